"""Settings for every pytest run, the notebooks' included (this file sits at the root)."""

import os

# Progress bars show only after 2 s, so whether they appear depends on the machine: keep
# them out of the outputs that nbval compares (the kernels it starts inherit this).
os.environ["TQDM_DISABLE"] = "1"
os.environ.setdefault("MPLBACKEND", "Agg")
