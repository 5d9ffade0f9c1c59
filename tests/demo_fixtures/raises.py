# %%
print("before the error")

# %%
raise ValueError("boom")

# %%
print("never printed")
