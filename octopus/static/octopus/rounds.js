// Assessment rounds: ask before sending the questionnaire or reminders (buttons carry the question in data-confirm).
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});
