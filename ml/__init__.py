"""Opinion model: training, evaluation, registry and inference. No Django imports here."""
