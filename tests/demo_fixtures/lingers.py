# %%
import time

print("lingering")
time.sleep(60)
