"""Server-side pieces that are not part of the trained model: tracker stores, input channels.

Kept out of `components/` so that changing them does not trigger a retraining (the training
fingerprint covers `components/`).
"""
