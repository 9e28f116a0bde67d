"""Every path in the project comes from here (never from the working directory).

Modules read these names at call time (`paths.RAW_DIR`, not `from .paths import RAW_DIR`), so a test points
the whole package at a copy of the project by patching this module alone.
"""
from pathlib import Path

PROJ_ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIR = Path(__file__).resolve().parent
RECODE_DIR = PACKAGE_DIR / "recode"
DATA_DIR = PROJ_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
SOURCES_YML = RAW_DIR / "sources.yml"
FIGURES_DIR = PROJ_ROOT / "figures"
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
REPORTS_DIR = PROJ_ROOT / "reports"
PROFILES_DIR = REPORTS_DIR / "profiles"
WORKBOOK = REPORTS_DIR / "police-social-media-misconduct.xlsx"
DOCS_DIR = PROJ_ROOT / "docs"
COVERAGE_LOG = DOCS_DIR / "coverage_log.csv"  # every search for figures (analysis.coverage)
STAMPS_DIR = PROJ_ROOT / ".stamps"  # content-hash stamps of the long steps (git-ignored; analysis.stamps)
# The project lock (analysis.locking) and the journal of an add-foi in progress (analysis.add_foi); git-ignored.
LOCK_FILE = PROJ_ROOT / ".analysis.lock"
ADD_FOI_DIR = DATA_DIR / ".add-foi"
