// Progressive enhancement under an article's share links: each button appears only where it
// can work. Print; copy the short address (news/<NewsCode>/); the browser's own share sheet.
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}

for (const button of document.querySelectorAll("[data-copy-link]")) {
  if (!navigator.clipboard) {
    continue;
  }
  button.hidden = false;
  button.addEventListener("click", () => {
    const status = document.getElementById(button.dataset.status);
    navigator.clipboard.writeText(button.dataset.copyLink).then(
      () => {
        if (status) {
          status.textContent = button.dataset.done;
        }
      },
      () => {
        if (status) {
          status.textContent = button.dataset.failed;
        }
      },
    );
  });
}

for (const button of document.querySelectorAll("[data-native-share]")) {
  if (!navigator.share) {
    continue;
  }
  button.hidden = false;
  button.addEventListener("click", () => {
    navigator.share({ title: button.dataset.title, url: button.dataset.nativeShare }).catch(() => {
      // the reader closed the sheet: nothing to do
    });
  });
}
