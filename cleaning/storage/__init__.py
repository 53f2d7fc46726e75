"""Where the data lives: Parquet datasets (schemas, atomic partitioned files, compaction) and run manifests."""
