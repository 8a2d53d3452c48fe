"""``python -m rehire_model``: the demo (survey calibration, default model metrics)."""

from ._demo import main

if __name__ == "__main__":
    main()
