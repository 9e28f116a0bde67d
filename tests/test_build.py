"""data/processed/ is exactly what data/raw/ builds to (a rebuild changes no committed file)."""
from analysis.paths import PROCESSED_DIR
from analysis.pipeline import rebuild


def test_rebuild_from_raw_is_byte_identical_to_committed(tmp_path):
    rebuild(out_dir=tmp_path)
    built = sorted(p.name for p in tmp_path.iterdir())
    committed = sorted(p.name for p in PROCESSED_DIR.iterdir() if p.is_file())
    assert built == committed
    for name in built:
        assert (tmp_path / name).read_bytes() == (PROCESSED_DIR / name).read_bytes(), f"{name} differs: run make all"


def test_build_log_accounts_for_every_raw_row():
    import analysis
    log = analysis.load("build_log")
    cleaned = log[log["step"].str.startswith("observations:")]
    obs = analysis.load("observations")
    assert cleaned["rows_after"].astype(int).sum() == len(obs)
    assert (cleaned["rows_before"] == cleaned["rows_after"]).all(), "a raw row was dropped while cleaning"
