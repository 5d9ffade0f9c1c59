# %%
line = "x" * 999 + "\n"
for _ in range(50_000):
    print(line, end="")
