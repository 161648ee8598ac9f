"""The drafting studio (``/drafting``): posts and threads composed from approved messages,
counted exactly as each platform counts them."""
