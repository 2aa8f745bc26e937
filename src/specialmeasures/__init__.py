"""specialmeasures: run and evaluate improvement regimes for struggling healthcare providers."""

__version__ = "0.1.0"
__all__ = ["__version__"]
