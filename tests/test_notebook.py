"""notebooks/quickstart.ipynb runs top to bottom without an error."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

nbclient = pytest.importorskip("nbclient", reason="nbclient is not installed (pip install -e '.[dev]')")
nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (pip install -e '.[dev]')")
pytest.importorskip("ipykernel", reason="ipykernel is not installed (pip install -e '.[dev]')")
from jupyter_client.kernelspec import KernelSpecManager  # noqa: E402  (installed with nbclient)
from jupyter_client.manager import AsyncKernelManager  # noqa: E402

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "quickstart.ipynb"
KERNEL_NAME = "posture-kg-test"


def _kernel_manager(spec_dir: Path) -> AsyncKernelManager:
    """A kernel manager that can only start this interpreter (the venv's python) as the kernel.

    Neither `kernel_name="python3"` nor `ipykernel install` is reliable on a fresh CI venv: a
    "python3" spec in ~/.local/share/jupyter or /usr/share/jupyter (from another Python) wins over
    ipykernel's built-in one, and installing a spec writes outside the test. So the test writes a
    private kernel spec whose argv is `sys.executable -m ipykernel_launcher` into a temporary folder
    and points a KernelSpecManager at that folder only.
    """
    kernel_dir = spec_dir / KERNEL_NAME
    kernel_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "posture-kg test kernel",
        "language": "python",
        "metadata": {"debugger": False},
    }
    (kernel_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    specs = KernelSpecManager(kernel_dirs=[str(spec_dir)], ensure_native_kernel=False)
    return AsyncKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=specs)


@pytest.mark.slow
def test_quickstart_notebook_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert NOTEBOOK.exists(), NOTEBOOK
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert all(not cell.get("outputs") for cell in nb.cells if cell.cell_type == "code"), (
        "commit the notebook with its outputs stripped"
    )

    # The notebook builds into tempfile.mkdtemp(); the kernel inherits TMPDIR, so that lands here.
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    client = nbclient.NotebookClient(
        nb,
        km=_kernel_manager(tmp_path / "kernels"),
        timeout=600,
        allow_errors=False,
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},  # the kernel's working directory
    )
    client.execute()  # raises CellExecutionError on the first failing cell

    outputs = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", [])]
    errors = [out for out in outputs if out.get("output_type") == "error"]
    assert not errors, errors
    # printed text, and the plain-text form of displayed DataFrames when pandas is installed
    text = "\n".join(f"{out.get('text', '')}{out.get('data', {}).get('text/plain', '')}" for out in outputs)
    assert "articles:   9 read" in text
    assert "degree centrality" in text
    html = [out["data"]["text/html"] for out in outputs if "text/html" in out.get("data", {})]
    assert any("<iframe srcdoc=" in page for page in html), "graph.html is not shown inline"
    assert list(tmp_path.glob("posture-kg-quickstart-*/graph.html")), "the notebook built outside TMPDIR"
