// Passkeys for digital residency (WebAuthn). A form marked data-webauthn="create" or "get" carries the server's
// options in data attributes; on submit this asks the browser for a passkey (or a signature), puts the answer in
// the form's hidden fields as base64url, and sends the form. The server checks everything; nothing here decides.
(function () {
  "use strict";

  function toBytes(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) base64 += "=";
    var text = atob(base64);
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function credentialList(text) {
    return (text || "").split(",").filter(Boolean).map(function (id) {
      return { type: "public-key", id: toBytes(id) };
    });
  }

  function show(form, message) {
    var box = form.querySelector("[data-webauthn-error]");
    if (!box) return;
    box.textContent = message;
    box.hidden = false;
  }

  function set(form, name, value) {
    form.querySelector("input[name='" + name + "']").value = value;
  }

  // The page gives the words, in its language (data-msg-*).
  function message(form, error) {
    var words = form.dataset;
    if (error && error.name === "NotAllowedError") return words.msgCancelled;
    if (error && error.name === "InvalidStateError") return words.msgExists;
    return words.msgFailed + " " + (error && error.message ? error.message : String(error));
  }

  async function create(form) {
    var data = form.dataset;
    var credential = await navigator.credentials.create({
      publicKey: {
        challenge: toBytes(data.challenge),
        rp: { id: data.rpId, name: data.rpName },
        user: { id: toBytes(data.userHandle), name: data.userName, displayName: data.userDisplayName },
        pubKeyCredParams: [{ type: "public-key", alg: -7 }, { type: "public-key", alg: -8 }],
        authenticatorSelection: { residentKey: "preferred", userVerification: "required" },
        attestation: "none",
        excludeCredentials: credentialList(data.exclude),
        timeout: Number(data.timeout)
      }
    });
    var response = credential.response;
    set(form, "clientDataJSON", toBase64url(response.clientDataJSON));
    set(form, "attestationObject", toBase64url(response.attestationObject));
    if (typeof response.getPublicKey === "function") {
      var key = response.getPublicKey();
      if (key) set(form, "publicKey", toBase64url(key));
    }
  }

  async function get(form) {
    var data = form.dataset;
    var assertion = await navigator.credentials.get({
      publicKey: {
        challenge: toBytes(data.challenge),
        rpId: data.rpId,
        allowCredentials: credentialList(data.allow),
        userVerification: "required",
        timeout: Number(data.timeout)
      }
    });
    var response = assertion.response;
    set(form, "credentialID", toBase64url(assertion.rawId));
    set(form, "clientDataJSON", toBase64url(response.clientDataJSON));
    set(form, "authenticatorData", toBase64url(response.authenticatorData));
    set(form, "signature", toBase64url(response.signature));
  }

  document.querySelectorAll("form[data-webauthn]").forEach(function (form) {
    if (!window.PublicKeyCredential) {
      show(form, form.dataset.msgUnsupported);
      return;
    }
    form.addEventListener("submit", async function (event) {
      if (form.dataset.answered === "yes") return;
      event.preventDefault();
      try {
        if (form.dataset.webauthn === "create") await create(form); else await get(form);
        form.dataset.answered = "yes";
        form.submit();
      } catch (error) {
        show(form, message(form, error));
      }
    });
  });
})();
