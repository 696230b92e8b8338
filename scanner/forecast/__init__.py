"""Load forecasting: a capacity model of users and tiers, turned into required capacity."""
