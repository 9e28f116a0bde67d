"""analysis.notebooks: executed notebooks are written the same way whatever the machine's load."""
import nbformat

from analysis import notebooks


def test_split_stream_outputs_are_merged():
    """The kernel may flush one print as two messages; the committed notebook must not depend on that."""
    out = nbformat.v4.new_output
    split = [out("stream", name="stdout", text="46 caveats."), out("stream", name="stdout", text="\n"),
             out("stream", name="stderr", text="warning\n"), out("execute_result", data={"text/plain": "1"}),
             out("stream", name="stdout", text="after\n")]
    merged = notebooks.coalesce_streams(split)
    assert [(o["output_type"], o.get("name"), o.get("text")) for o in merged] == [
        ("stream", "stdout", "46 caveats.\n"), ("stream", "stderr", "warning\n"), ("execute_result", None, None),
        ("stream", "stdout", "after\n")]


def test_the_committed_notebooks_have_no_split_streams():
    for path in notebooks.notebook_paths():
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            outputs = cell.get("outputs", [])
            assert notebooks.coalesce_streams([dict(o) for o in outputs]) == [dict(o) for o in outputs], path.name
