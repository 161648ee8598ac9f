"""Campaigns, their key messages and language variants (``/campaigns``), and campaign
packs: a campaign as plain files (``amplify campaign import/export``)."""
