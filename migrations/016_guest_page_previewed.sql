-- When the owner first opened the guest page preview from the admin: the last step of the first-run checklist.
ALTER TABLE sites ADD COLUMN guest_page_previewed_at INTEGER;
-- A venue that has had guests has seen its guest page at work: its checklist does not ask for the preview.
UPDATE sites SET guest_page_previewed_at = created_at WHERE EXISTS (SELECT 1 FROM acceptances WHERE acceptances.site_id = sites.id);
