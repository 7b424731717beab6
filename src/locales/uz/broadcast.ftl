broadcast-usage = /broadcast buyrug'idan keyin matnni yozing yoki hammaga yuboriladigan xabarga /broadcast bilan javob bering.
broadcast-confirm = 📣 Bu xabar { $count } foydalanuvchiga yuboriladi. Yuborilsinmi?
broadcast-send = 📤 Yuborish
broadcast-drop = ✖️ Bekor qilish
broadcast-stop = ⏹ To'xtatish
broadcast-dropped = Xabarnoma bekor qilindi: hech narsa yuborilmadi.
broadcast-not-draft = Bu xabarnoma allaqachon yuborilgan yoki bekor qilingan.
broadcast-queued = 📣 Xabarnoma { $count } foydalanuvchi uchun navbatga qo'yildi. Jarayon shu yerda ko'rinadi.
broadcast-stopping = Xabarnoma to'xtatilmoqda…
broadcast-not-running = Hozir yuborilayotgan xabarnoma yo'q.
broadcast-progress =
    📣 Xabarnoma #{ $id }
    { $bar } { $percent }%
    ✅ Yuborildi: { $sent } · 🚫 Bloklagan: { $blocked } · ⚠️ Xato: { $failed }
    ⏳ Qoldi: { $remaining } · ⚡ { $rate } xabar/s · taxminan { $eta } s qoldi
broadcast-report-done = 📣 Xabarnoma #{ $id } { $seconds } s da tugadi: { $total } tadan { $sent } tasi oldi; { $blocked } tasi botni bloklagan yoki o'chirilgan; { $failed } tasida xato{ $unknown ->
        [0] {""}
       *[other] ; { $unknown } tasi noma'lum (Telegram javob bermadi; qayta yuborilmadi)
    }.
broadcast-report-cancelled = 📣 Xabarnoma #{ $id } { $seconds } s dan keyin to'xtatildi: { $total } tadan { $sent } tasi oldi; { $blocked } tasi botni bloklagan yoki o'chirilgan; { $failed } tasida xato{ $unknown ->
        [0] {""}
       *[other] ; { $unknown } tasi noma'lum (Telegram javob bermadi; qayta yuborilmadi)
    }; { $remaining } tasiga yuborilmadi.
