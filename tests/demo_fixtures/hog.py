# %%
print("allocating 4 GB")

# %%
hog = bytearray(4_000_000_000)
print("allocated", len(hog))
