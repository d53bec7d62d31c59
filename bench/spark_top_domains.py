#!/usr/bin/env python3
"""The dataset of `lore-digest export --dataset DIR` on Apache Spark, in
local mode: the top domains and the mails per list (the figures the
reports give, as tests/dataset.rs checks with DuckDB), and the top
organizations per year across all lists.

Needs PySpark (`python3 -m pip install pyspark`) and a Java runtime (17 or
later for PySpark 4; Debian: `apt-get install openjdk-17-jre-headless`).

Usage:
    bench/spark_top_domains.py DIR [--top N] [--cores N] [--json]

Prints the figures and how long each step took; with --json, one JSON
object instead (tests/dataset.rs reads that).
"""

import argparse
import json
import sys
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", help="the dataset directory (export --dataset DIR)")
    parser.add_argument("--top", type=int, default=15, help="domains and organizations to show")
    parser.add_argument("--cores", type=int, default=2, help="local[N]: the worker threads")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    started = time.monotonic()
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(f"local[{args.cores}]")
        .appName("lore-digest dataset")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        # A handful of small files: one shuffle partition per core is plenty.
        .config("spark.sql.shuffle.partitions", str(args.cores))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    session = time.monotonic()

    # Partition discovery gives `list` and `year` from the paths; the
    # state under DIR/_lore_digest/ starts with `_`, which Spark skips.
    spark.read.parquet(args.dir).createOrReplaceTempView("mails")
    queries = {
        "per_list": "SELECT CAST(list AS STRING) AS list, count(*) AS mails FROM mails GROUP BY list ORDER BY list",
        "top_domains": f"""
            SELECT domain, count(*) AS mails FROM mails
            WHERE domain IS NOT NULL
            GROUP BY domain ORDER BY mails DESC, domain LIMIT {args.top}""",
        "top_organizations_per_year": f"""
            SELECT year, organization, mails FROM (
                SELECT CAST(year AS INT) AS year, organization, count(*) AS mails,
                       row_number() OVER (PARTITION BY year
                                          ORDER BY count(*) DESC, organization) AS rank
                FROM mails WHERE organization IS NOT NULL
                GROUP BY year, organization)
            WHERE rank <= 3 ORDER BY year, mails DESC, organization""",
    }
    results = {}
    seconds = {}
    for name, query in queries.items():
        start = time.monotonic()
        results[name] = [list(row) for row in spark.sql(query).collect()]
        seconds[name] = round(time.monotonic() - start, 2)
    spark.stop()
    seconds["session"] = round(session - started, 2)
    seconds["total"] = round(time.monotonic() - started, 2)

    if args.json:
        json.dump({**results, "seconds": seconds}, sys.stdout)
        print()
        return
    print("mails per list:")
    for lst, mails in results["per_list"]:
        print(f"  {lst:<24} {mails:>9,}")
    print(f"top {args.top} domains, all lists:")
    for domain, mails in results["top_domains"]:
        print(f"  {domain:<32} {mails:>9,}")
    print("top 3 organizations per year, all lists:")
    for year, org, mails in results["top_organizations_per_year"]:
        print(f"  {year}  {org:<28} {mails:>9,}")
    print("seconds: " + ", ".join(f"{k} {v}" for k, v in seconds.items()))


if __name__ == "__main__":
    main()
