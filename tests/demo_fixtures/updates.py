# %%
from IPython.display import display

handle = display("small", display_id=True)
handle.update("x" * 3_000_000)
