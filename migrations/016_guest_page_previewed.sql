-- When the owner first opened the guest page preview from the admin: the last step of the first-run checklist.
ALTER TABLE sites ADD COLUMN guest_page_previewed_at INTEGER;
