"""lecturelib: the library behind the notebook series on how neural networks learn.

The lecture: "Feature learning, neural networks and backpropagation".
"""

__version__ = "0.1.0"
