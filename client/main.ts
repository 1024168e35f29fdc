// Placeholder until the chat app lands (issue 5): shows that the service is up.
const app = document.querySelector('#app');
if (app) app.textContent = 'MedChat is running. Ask over the API: POST /api/chat {"question": "..."}';
