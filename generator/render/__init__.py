"""Pages of the site: concept, home, A–Z, tags, graph; link rewriting; math; graph pictures."""
