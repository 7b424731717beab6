upload-send-file = Send the file to add: a document, an audio or a video. /cancel stops.
upload-not-a-file = That is not a file. Please send a document, an audio or a video, or /cancel.
upload-blocked-type = «{ $name }» cannot be added: { $type } files are not allowed in the library.
upload-duplicate = This file is already in the library: #{ $id } «{ $title }».
upload-send-title = Now send the title (1-200 characters).
upload-title-length = The title must be 1-200 characters long. Send it again.
upload-send-tags = Send tags separated by commas (e.g. grammar, a1, english), or /skip.
upload-saved =
    ✅ Saved as #{ $id } «{ $title }».
    Share link: { $link }
    Processing (renaming, thumbnail) runs in the background; I will tell you when it is done.
upload-cancelled = Cancelled.
upload-nothing-to-cancel = There is nothing to cancel.

thumb-send = Send the picture to use as the default thumbnail (a photo or an image file). /cancel stops.
thumb-not-an-image = That is not an image. Send a photo or an image file, or /cancel.
thumb-too-big = That image is too big to use (at most 10 MB and 25 megapixels).
thumb-download-failed = The image could not be downloaded from Telegram in time. Send it again, or /cancel.
thumb-saved = ✅ The new default thumbnail is set: { $width }x{ $height }, { $size }. Files processed from now on carry it.

job-progress = ⏳ «{ $title }»: { $phase ->
        [download] downloading
       *[upload] uploading
    } { $percent }%
job-done = ✅ «{ $title }» is processed: users get { $fileName } with the thumbnail.
job-original = ℹ️ «{ $title }» ({ $size }) is over the Bot API { $reason ->
        [download] download
       *[upload] upload
    } limit of { $limit }, so it is not renamed: users get the original file.
job-failed = ⚠️ Processing «{ $title }» failed ({ $error }). Users get the original file.
