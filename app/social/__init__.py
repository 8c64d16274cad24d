"""Social-security items 20-40 and the demo-point items: insurance applications, cards, the provincial connector."""
