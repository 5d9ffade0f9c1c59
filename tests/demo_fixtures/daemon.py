# %%
import os
import time

read_end, write_end = os.pipe()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.write(write_end, str(os.getpid()).encode())
        time.sleep(300)
    os._exit(0)
os.close(write_end)
print("daemon", os.read(read_end, 32).decode())
