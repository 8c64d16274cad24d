"""Self-service kiosks at the points: registered devices with revocable tokens, and their touch pages."""
