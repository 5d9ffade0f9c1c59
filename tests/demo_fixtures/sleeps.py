# ---
# jupyter:
#   glossgraph:
#     timeout: 2
# ---

# %%
import time

print("going to sleep")
time.sleep(60)
