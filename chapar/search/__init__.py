"""Search: the normaliser for what readers type and pages say, and the Pagefind shards."""
