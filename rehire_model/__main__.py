"""``python -m rehire_model``: print how the synthetic survey matches the published one."""

from .calibration import main

if __name__ == "__main__":
    main()
