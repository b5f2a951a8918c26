// Mounts the rasa-webchat widget (Socket.IO channel of Rasa) with French labels, then adds the
// accessibility attributes the widget does not set itself.
(function () {
  "use strict";

  var config = window.ASSISTANT_WEB_CONFIG || { rasaPort: 5005, socketPath: "/socket.io/" };
  // Same host name as the page: the browser then sends the origin Rasa's --cors allows.
  var socketUrl = window.location.protocol + "//" + window.location.hostname + ":" + config.rasaPort;

  var LABELS = {
    launcherOpen: "Ouvrir la conversation avec l'assistant",
    launcherClose: "Fermer la conversation avec l'assistant",
    close: "Fermer la conversation",
    input: "Votre message à l'assistant",
    send: "Envoyer le message",
    log: "Conversation avec l'assistant",
    fullScreen: "Plein écran",
  };

  if (!window.WebChat || typeof window.WebChat.default !== "function") {
    document.getElementById("widget-status").textContent =
      "Le widget de conversation n'a pas pu être chargé. Lancez « make install » puis « make run ».";
    return;
  }

  window.WebChat.default(
    {
      socketUrl: socketUrl,
      socketPath: config.socketPath,
      title: "Assistant des indépendants",
      subtitle: "Urssaf, Assurance Maladie, retraite",
      inputTextFieldHint: "Écrivez votre question…",
      connectingText: "Connexion à l'assistant…",
      // Sent once per new conversation: the greeting explains what the assistant does.
      initPayload: "/greet",
      // Conversation kept in localStorage with its session id: a reload shows the same
      // messages and Rasa (session_persistence) continues the same conversation.
      params: { storage: "local" },
      hideWhenNotConnected: false,
      showCloseButton: true,
      customMessageDelay: function () { return 300; },
      // Keyboard users land in the input as soon as they open the conversation.
      onWidgetEvent: { onChatOpen: focusInputWhenShown },
    },
    null
  );

  function focusInputWhenShown() {
    var tries = 0;
    (function attempt() {
      var input = document.querySelector(".rw-new-message");
      if (input) {
        input.focus();
      } else if (tries++ < 50) {
        window.setTimeout(attempt, 20);
      }
    })();
  }

  function label(element, text) {
    if (element && element.getAttribute("aria-label") !== text) {
      element.setAttribute("aria-label", text);
    }
  }

  function activateOnKeyboard(event) {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      event.currentTarget.click();
    }
  }

  // The widget re-renders often (React): patch the DOM after every change, idempotently.
  function patch(root) {
    var launcher = root.querySelector(".rw-launcher");
    if (launcher) {
      var open = !!root.querySelector(".rw-conversation-container");
      label(launcher, open ? LABELS.launcherClose : LABELS.launcherOpen);
      launcher.setAttribute("aria-expanded", open ? "true" : "false");
    }
    root.querySelectorAll(".rw-close-button").forEach(function (b) { label(b, LABELS.close); });
    root.querySelectorAll(".rw-toggle-fullscreen-button").forEach(function (b) { label(b, LABELS.fullScreen); });
    root.querySelectorAll(".rw-new-message").forEach(function (input) { label(input, LABELS.input); });
    root.querySelectorAll(".rw-send").forEach(function (b) { label(b, LABELS.send); });
    // Icons inside labelled buttons are decorative (the bundle gives one the English alt "close").
    root.querySelectorAll("button[aria-label] img").forEach(function (img) {
      if (img.getAttribute("alt") !== "") img.setAttribute("alt", "");
    });
    root.querySelectorAll(".rw-messages-container").forEach(function (log) {
      if (log.getAttribute("role") !== "log") {
        log.setAttribute("role", "log");
        log.setAttribute("aria-live", "polite");
        log.setAttribute("aria-relevant", "additions");
      }
      label(log, LABELS.log);
    });
    // Bot buttons are <div>s: make them reachable with Tab and usable with Enter / Space.
    root.querySelectorAll(".rw-reply").forEach(function (reply) {
      if (reply.getAttribute("role") !== "button") {
        reply.setAttribute("role", "button");
        reply.setAttribute("tabindex", "0");
        reply.addEventListener("keydown", activateOnKeyboard);
      }
    });
  }

  var scheduled = false;
  var observer = new MutationObserver(function () {
    if (scheduled) return;
    scheduled = true;
    window.requestAnimationFrame(function () {
      scheduled = false;
      patch(document.body);
    });
  });
  observer.observe(document.body, { childList: true, subtree: true });
  patch(document.body);
})();
