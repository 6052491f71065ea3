// The router page's Copy buttons. Without script they stay hidden and the values are plain selectable text.
'use strict';
for (const button of document.querySelectorAll('button.copy')) {
  button.hidden = false;
  button.addEventListener('click', async () => {
    const value = button.dataset.copy;
    try {
      // The clipboard API needs a secure page (HTTPS or localhost); an admin on a LAN address gets the older copy command.
      if (navigator.clipboard) await navigator.clipboard.writeText(value);
      else {
        window.getSelection().selectAllChildren(button.previousElementSibling);
        if (!document.execCommand('copy')) throw new Error('copy refused');
      }
      button.textContent = 'Copied';
    } catch {
      window.getSelection().selectAllChildren(button.previousElementSibling);
      button.textContent = 'Selected: press Ctrl+C';
    }
    setTimeout(() => { button.textContent = 'Copy'; }, 3000);
  });
}
