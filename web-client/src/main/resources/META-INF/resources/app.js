// Shows the gateway's own readiness, so a person opening the page sees whether the platform is up.
(async () => {
  const status = document.getElementById('status');
  try {
    const response = await fetch('/actuator/health/readiness');
    const body = await response.json();
    status.textContent = body.status;
  } catch (e) {
    status.textContent = 'unreachable';
  }
})();
