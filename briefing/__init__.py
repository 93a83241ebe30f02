"""briefing: turn a folder of articles into a sourced briefing memo."""

import os

# The tagger's matrix work is small (a 256-wide corpus, 257x257 solves): BLAS threads only
# contend for the cores, and on a busy machine a tiny solve took 0.25 s instead of 1 ms.
# Set before numpy is first imported; a user's own setting wins.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

__version__ = "0.1.0"
