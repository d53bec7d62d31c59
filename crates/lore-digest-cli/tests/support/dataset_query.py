"""Reads a lore-digest dataset (`export --dataset DIR`) with DuckDB, as an
analyst would, and prints what tests/dataset.rs compares with the reports:
the mails per list, every domain with its count (most first), and the years.

Usage: python3 dataset_query.py DIR
"""

import json
import sys

import duckdb

# The partition columns come from the path (list=…/year=…), typed here so
# that a list named like a number stays a name.
SOURCE = """read_parquet(?, hive_partitioning = true,
                         hive_types = {'list': VARCHAR, 'year': INTEGER})"""


def main():
    files = sys.argv[1].rstrip("/") + "/**/*.parquet"
    con = duckdb.connect()

    def rows(query):
        return con.execute(query.format(source=SOURCE), [files]).fetchall()

    per_list = dict(rows("SELECT list, count(*) FROM {source} GROUP BY list"))
    domains = rows(
        """SELECT domain, count(*) AS mails FROM {source}
           WHERE domain IS NOT NULL
           GROUP BY domain ORDER BY mails DESC, domain"""
    )
    years = [y for (y,) in rows("SELECT DISTINCT year FROM {source} ORDER BY year")]
    json.dump({"per_list": per_list, "top_domains": domains, "years": years}, sys.stdout)


if __name__ == "__main__":
    main()
