"""Influencer tasks, submissions, payments and the leaderboard."""
