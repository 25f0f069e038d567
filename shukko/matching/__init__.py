"""Matching (マッチング): feasible pairs of open offers, explained scores, optimal assignment."""
