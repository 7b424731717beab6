language-name = English

start-welcome =
    Hello, { $name }! 👋
    I am PrimeLingo: a library of lessons, audio and video.
    Send me a word to search the library, or see /help.

help-user =
    How to use PrimeLingo:
    • send any word to search the library (or /search <word>);
    • in any chat, type @{ $bot } and a word to share a file from the library;
    • /lang: choose the language;
    • /help: this message.
help-admin =
    { help-user }

    You are an admin of this bot (id { $id }).
    • /upload: add a file to the library (/cancel stops);
    • /set_thumb: set the default thumbnail;
    • /broadcast: send a message to every user (/broadcast_cancel stops it);
    • /stats: users, files and downloads;
    • a file's card has a 🗑 Delete button for you.

lang-choose = Choose your language:
lang-changed = Language set: English.

subscribe-required = To use the bot, please join the channels below first, then press «Check again».
subscribe-join = ➕ Join { $title }
subscribe-check = ✅ Check again
subscribe-thanks = Thank you! You can use the bot now.
subscribe-still-missing = You have not joined every channel yet.
subscribe-inline-title = Join the channels first
subscribe-inline-description = Files are shared once you have joined the bot's channels.
subscribe-inline-text = To share files from the library, first join the channels of @{ $bot }.
subscribe-inline-open = 🤖 Open the bot

flood-warning = You are sending messages too fast. Please wait a few seconds.
error-generic = Sorry, something went wrong on our side. Please try again in a moment.
unknown-command = I don't know this command. See /help.

command-start = Start the bot
command-help = How to use the bot
command-lang = Choose the language
command-upload = Add a file to the library
command-set_thumb = Set the default thumbnail
command-stats = Users, files and downloads
command-broadcast = Send a message to every user
command-broadcast_cancel = Stop the running broadcast
command-cancel = Cancel the current dialog
