"""What several lessons share: the `Lab` contract, training and its checks, loss curves,
heatmaps, histories, number formatting, and the tours' models."""
