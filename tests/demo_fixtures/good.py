# ---
# jupyter:
#   glossgraph:
#     timeout: 90
#     reads: [data/points.csv]
# ---

# %% [markdown]
# # Points
# Reads a small table and draws it.

# %%
# ruff: noqa: E402
import os
import sys
from pathlib import Path

rows = Path("data/points.csv").read_text().splitlines()
print(f"{len(rows)} rows")
print("cuda visible:", repr(os.environ.get("CUDA_VISIBLE_DEVICES")))
print("working in demos folder:", Path("good.py").exists())
print("a warning", file=sys.stderr)

# %%
from IPython.display import HTML, display

display(HTML("<table><tr><td>1 &lt; 2</td></tr></table>"))
len(rows) * 10

# %%
import matplotlib.pyplot as plt

plt.plot([float(r.split(",")[0]) for r in rows])
plt.show()
