"""`python -m bench [NAME ...]`: run the benchmarks and print a markdown report."""

import argparse
import os
import sys

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings.local")
    django.setup()
    from bench import ingest, insights, model, pipeline  # noqa: PLC0415 - after django.setup()

    available = {
        "ingest": ingest.run,
        "model": model.run,
        "pipeline": pipeline.run,
        "insights": insights.run,
    }
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help=f"some of {', '.join(available)}")
    args = parser.parse_args()
    unknown = set(args.names) - set(available)
    if unknown:
        parser.error(f"unknown benchmarks {sorted(unknown)}; choose among {sorted(available)}")
    for name in args.names or list(available):
        sys.stdout.write(available[name]() + "\n")


if __name__ == "__main__":
    main()
