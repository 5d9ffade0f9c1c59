# %%
import os
import tempfile

work = os.getcwd()
os.chdir("/")
os.rename(work, work + "-moved")
os.symlink(tempfile.gettempdir(), work)
print("swapped")
