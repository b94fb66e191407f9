// Barcode scanning on the add-book page: a photo read by the server (/api/v1/scan), or the
// live camera read in the browser where BarcodeDetector exists. Plain ES2017, no framework.
(function () {
  "use strict";

  const isbnInput = document.getElementById("isbn");
  const photoInput = document.getElementById("scan-photo");
  const liveButton = document.getElementById("scan-live");
  const video = document.getElementById("scan-video");
  const status = document.getElementById("scan-status");
  const submit = document.getElementById("add-submit");
  if (!isbnInput) return;
  const form = isbnInput.form;
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');

  function say(text) {
    if (status) status.textContent = text;
  }

  function isIsbn13(text) {
    if (!/^97[89]\d{10}$/.test(text)) return false;
    let sum = 0;
    for (let i = 0; i < 12; i++) sum += Number(text[i]) * (i % 2 ? 3 : 1);
    return (10 - (sum % 10)) % 10 === Number(text[12]);
  }

  function found(isbn) {
    isbnInput.value = isbn;
    isbnInput.dispatchEvent(new Event("input", { bubbles: true }));
    say("Found ISBN " + isbn + ".");
    const autoAdd = document.getElementById("scan-autoadd");
    if (form && (form.dataset.autosubmit === "1" || (autoAdd && autoAdd.checked))) {
      // Straight back to this page after adding, ready for the next book.
      const again = document.getElementById("add-again");
      if (form.requestSubmit) form.requestSubmit(again || submit || undefined);
      else form.submit();
    } else if (submit) {
      submit.focus();
    }
  }

  // --- a photo, read on the server ---
  async function scanPhoto(file) {
    say("Reading the barcode…");
    const body = new FormData();
    body.append("image", file);
    const headers = csrfMeta ? { "X-CSRFToken": csrfMeta.content } : {};
    try {
      const response = await fetch("/api/v1/scan", { method: "POST", body, headers, credentials: "same-origin" });
      const data = await response.json().catch(() => null);
      if (response.ok && data && data.isbn) {
        found(data.isbn);
      } else if (data && data.error && data.error.message) {
        say(data.error.message);
      } else if (response.status === 413) {
        say("The photo is too large (10 MB at most).");
      } else {
        say("The photo could not be read (error " + response.status + "). Please try again.");
      }
    } catch (err) {
      say("The photo could not be sent. Check your connection and try again.");
    }
  }

  if (photoInput) {
    photoInput.addEventListener("change", () => {
      const file = photoInput.files && photoInput.files[0];
      photoInput.value = ""; // so that choosing the same file again fires "change" again
      if (file) scanPhoto(file);
    });
  }

  // --- the live camera, read in the browser ---
  let stream = null;
  let detector = null;
  let candidate = null;

  function stopCamera() {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    candidate = null;
    video.srcObject = null;
    video.hidden = true;
    liveButton.textContent = liveButton.dataset.label;
  }

  async function detectFrame() {
    if (!stream) return;
    try {
      if (video.readyState >= 2) {
        const codes = await detector.detect(video);
        if (!stream) return; // stopped while this frame was being read
        for (const code of codes) {
          if (!isIsbn13(code.rawValue)) continue;
          // A single frame can misread the bars; wait until two frames agree.
          if (code.rawValue === candidate) {
            stopCamera();
            found(code.rawValue);
            return;
          }
          candidate = code.rawValue;
        }
      }
    } catch (err) {
      // a frame that cannot be read yet (the camera warming up): try the next one
    }
    requestAnimationFrame(detectFrame);
  }

  async function startCamera() {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false });
    } catch (err) {
      stream = null;
      say(err && err.name === "NotAllowedError" ? "Camera access was refused." : "No camera could be opened.");
      return;
    }
    detector = detector || new window.BarcodeDetector({ formats: ["ean_13"] });
    video.srcObject = stream;
    video.hidden = false;
    liveButton.textContent = "Stop camera";
    say("Point the camera at the barcode on the back of the book.");
    await video.play().catch(() => {});
    requestAnimationFrame(detectFrame);
  }

  async function offerLiveScanning() {
    if (!liveButton || !video || !("BarcodeDetector" in window)) return;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
    const formats = await window.BarcodeDetector.getSupportedFormats().catch(() => []);
    if (!formats.includes("ean_13")) return;
    liveButton.dataset.label = liveButton.textContent;
    liveButton.hidden = false;
    liveButton.addEventListener("click", () => {
      if (stream) {
        stopCamera();
        say("");
      } else {
        startCamera();
      }
    });
    document.addEventListener("visibilitychange", () => {
      if (document.hidden && stream) stopCamera();
    });
  }

  // "Add as soon as read" stays on from one book to the next (the page reloads after each add).
  const autoAddBox = document.getElementById("scan-autoadd");
  if (autoAddBox) {
    try {
      autoAddBox.checked = localStorage.getItem("booklib.scanAutoAdd") === "1";
      autoAddBox.addEventListener("change", () => localStorage.setItem("booklib.scanAutoAdd", autoAddBox.checked ? "1" : "0"));
    } catch (e) { /* storage disabled: the box just starts unticked */ }
  }

  offerLiveScanning();
})();
