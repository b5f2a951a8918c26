"""Agency finder: which organismes a self-employed worker depends on, from where they live."""
