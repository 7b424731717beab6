broadcast-usage = Send /broadcast followed by the text, or reply with /broadcast to the message to send to everyone.
broadcast-confirm = 📣 This message will go to { $count } users. Send it?
broadcast-send = 📤 Send
broadcast-drop = ✖️ Cancel
broadcast-stop = ⏹ Stop
broadcast-dropped = Broadcast cancelled: nothing was sent.
broadcast-not-draft = This broadcast was already sent or cancelled.
broadcast-queued = 📣 Broadcast queued for { $count } users. Progress follows here.
broadcast-stopping = Stopping the broadcast…
broadcast-not-running = No broadcast is being sent.
broadcast-progress =
    📣 Broadcast #{ $id }
    { $bar } { $percent }%
    ✅ Sent: { $sent } · 🚫 Blocked: { $blocked } · ⚠️ Failed: { $failed }
    ⏳ Remaining: { $remaining } · ⚡ { $rate } msg/s · about { $eta } s left
broadcast-report-done = 📣 Broadcast #{ $id } finished in { $seconds } s: { $sent } of { $total } users got it; { $blocked } blocked the bot or are gone; { $failed } failed{ $unknown ->
        [0] {""}
       *[other] ; { $unknown } unknown (Telegram did not answer; not sent again)
    }.
broadcast-report-cancelled = 📣 Broadcast #{ $id } stopped after { $seconds } s: { $sent } of { $total } users got it; { $blocked } blocked the bot or are gone; { $failed } failed{ $unknown ->
        [0] {""}
       *[other] ; { $unknown } unknown (Telegram did not answer; not sent again)
    }; { $remaining } were not sent.
