"""The three opinion classes, in the order of the model's outputs."""

LABELS = ("negative", "neutral", "positive")
LABEL_INDEX = {label: i for i, label in enumerate(LABELS)}
