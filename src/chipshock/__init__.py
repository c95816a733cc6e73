"""chipshock: the computations behind the executable book *Open by Necessity*."""

__version__ = "0.1.0"
