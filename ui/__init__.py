"""Streamlit helpers the pages share: cached data, the URL-bound sidebar, figures and tables."""
