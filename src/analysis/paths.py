"""Every path in the project comes from here (never from the working directory)."""
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
STAMPS_DIR = PROJ_ROOT / ".stamps"  # content-hash stamps of the long steps (git-ignored; analysis.stamps)
