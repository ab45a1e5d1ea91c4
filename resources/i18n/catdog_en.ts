<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>ChangedFiles</name>
    <message numerus="yes">
        <source>%n photo(s) changed on disk after classification: classifying again first</source>
        <translation>
            <numerusform>%n photo changed on disk after classification: classifying it again first</numerusform>
            <numerusform>%n photos changed on disk after classification: classifying them again first</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n photo(s) changed on disk after classification: {names} (written with the earlier verdict; select or add them again to classify them again)</source>
        <translation>
            <numerusform>%n photo changed on disk after classification: {names} (written with the earlier verdict; select or add it again to classify it again)</numerusform>
            <numerusform>%n photos changed on disk after classification: {names} (written with the earlier verdicts; select or add them again to classify them again)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>%n item(s) named at start will be classified once a model is open (File ▸ Open Model…)</source>
        <translation>
            <numerusform>%n item named at start will be classified once a model is open (File ▸ Open Model…)</numerusform>
            <numerusform>%n items named at start will be classified once a model is open (File ▸ Open Model…)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Model changed ({settings}): classifying the %n photo(s) again</source>
        <translation>
            <numerusform>Model changed ({settings}): classifying the %n photo again</numerusform>
            <numerusform>Model changed ({settings}): classifying the %n photos again</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Classify the %Ln photo(s) in the table again with the new model settings?</source>
        <translation>
            <numerusform>Classify the %Ln photo in the table again with the new model settings?</numerusform>
            <numerusform>Classify the %Ln photos in the table again with the new model settings?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> · then %n queued</source>
        <translation>
            <numerusform> · then %n queued</numerusform>
            <numerusform> · then %n queued</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;%n&lt;/b&gt; photo(s)</source>
        <translation>
            <numerusform>&lt;b&gt;%n&lt;/b&gt; photo</numerusform>
            <numerusform>&lt;b&gt;%n&lt;/b&gt; photos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n removed: no longer on disk</source>
        <translation>
            <numerusform>%n removed: no longer on disk</numerusform>
            <numerusform>%n removed: no longer on disk</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>No new or changed photos: the %n photo(s) found are already in the table</source>
        <translation>
            <numerusform>No new or changed photos: the %n photo found is already in the table</numerusform>
            <numerusform>No new or changed photos: the %n photos found are already in the table</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Cancelled after %n photo(s)</source>
        <translation>
            <numerusform>Cancelled after %n photo</numerusform>
            <numerusform>Cancelled after %n photos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Classified %n photo(s)</source>
        <translation>
            <numerusform>Classified %n photo</numerusform>
            <numerusform>Classified %n photos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n marked by hand (counted as marked below)</source>
        <translation>
            <numerusform>%n marked by hand (counted as marked below)</numerusform>
            <numerusform>%n marked by hand (counted as marked below)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n error(s)</source>
        <translation>
            <numerusform>%n error</numerusform>
            <numerusform>%n errors</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unchanged photo(s) kept</source>
        <translation>
            <numerusform>%n unchanged photo kept</numerusform>
            <numerusform>%n unchanged photos kept</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n folder(s) could not be read</source>
        <translation>
            <numerusform>%n folder could not be read</numerusform>
            <numerusform>%n folders could not be read</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %n row(s) to {path}</source>
        <translation>
            <numerusform>Exported %n row to {path}</numerusform>
            <numerusform>Exported %n rows to {path}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n photo(s) carry a verdict marked by hand.</source>
        <translation>
            <numerusform>%n photo carries a verdict marked by hand.</numerusform>
            <numerusform>%n photos carry a verdict marked by hand.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Marks</name>
    <message numerus="yes">
        <source>Mark by hand cleared on %n photo(s); their XMP tags still hold it: Tags ▸ Write Tags… replaces it with the model&apos;s verdict</source>
        <translation>
            <numerusform>Mark by hand cleared on %n photo; its XMP tags still hold it: Tags ▸ Write Tags… replaces it with the model&apos;s verdict</numerusform>
            <numerusform>Mark by hand cleared on %n photos; their XMP tags still hold it: Tags ▸ Write Tags… replaces it with the model&apos;s verdict</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Mark by hand cleared on %n photo(s)</source>
        <translation>
            <numerusform>Mark by hand cleared on %n photo</numerusform>
            <numerusform>Mark by hand cleared on %n photos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n photo(s) marked by hand as {label}</source>
        <translation>
            <numerusform>%n photo marked by hand as {label}</numerusform>
            <numerusform>%n photos marked by hand as {label}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n photo(s) marked by hand still carry another verdict in their XMP tags: Tags ▸ Write Tags… updates them</source>
        <translation>
            <numerusform>%n photo marked by hand still carries another verdict in its XMP tags: Tags ▸ Write Tags… updates it</numerusform>
            <numerusform>%n photos marked by hand still carry another verdict in their XMP tags: Tags ▸ Write Tags… updates them</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n photo(s) had their mark by hand cleared, but their XMP tags still hold it.</source>
        <translation>
            <numerusform>%n photo had its mark by hand cleared, but its XMP tags still hold it.</numerusform>
            <numerusform>%n photos had their mark by hand cleared, but their XMP tags still hold it.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>QuitQuestion</name>
    <message numerus="yes">
        <source>%n photo(s) marked by hand have not been exported or written to tags.</source>
        <translation>
            <numerusform>%n photo marked by hand has not been exported or written to tags.</numerusform>
            <numerusform>%n photos marked by hand have not been exported or written to tags.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>A run is still classifying: the results of its %n photo(s) so far ({time} of classifying) have not been exported.</source>
        <translation>
            <numerusform>A run is still classifying: the results of its %n photo so far ({time} of classifying) have not been exported.</numerusform>
            <numerusform>A run is still classifying: the results of its %n photos so far ({time} of classifying) have not been exported.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The results of %n photo(s) ({time} of classifying) have not been exported.</source>
        <translation>
            <numerusform>The results of %n photo ({time} of classifying) have not been exported.</numerusform>
            <numerusform>The results of %n photos ({time} of classifying) have not been exported.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n classified photo(s) are neither tagged nor exported: quit again to save or leave them</source>
        <translation>
            <numerusform>%n classified photo is neither tagged nor exported: quit again to save or leave it</numerusform>
            <numerusform>%n classified photos are neither tagged nor exported: quit again to save or leave them</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SortActions</name>
    <message numerus="yes">
        <source>Nothing was copied: the XMP tags of %n photo(s) could not take the verdict shown here, and the copy would carry the old verdict along.</source>
        <translation>
            <numerusform>Nothing was copied: the XMP tags of %n photo could not take the verdict shown here, and the copy would carry the old verdict along.</numerusform>
            <numerusform>Nothing was copied: the XMP tags of %n photos could not take the verdict shown here, and the copy would carry the old verdict along.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Nothing was moved: the XMP tags of %n photo(s) could not take the verdict shown here, and the move would carry the old verdict along.</source>
        <translation>
            <numerusform>Nothing was moved: the XMP tags of %n photo could not take the verdict shown here, and the move would carry the old verdict along.</numerusform>
            <numerusform>Nothing was moved: the XMP tags of %n photos could not take the verdict shown here, and the move would carry the old verdict along.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n photo(s) have a mark by hand set or cleared here that their XMP tags do not have yet: it is written into their tags first (Tags ▸ Undo Write Tags takes it back).</source>
        <translation>
            <numerusform>%n photo has a mark by hand set or cleared here that its XMP tags do not have yet: it is written into its tags first (Tags ▸ Undo Write Tags takes it back).</numerusform>
            <numerusform>%n photos have a mark by hand set or cleared here that their XMP tags do not have yet: it is written into their tags first (Tags ▸ Undo Write Tags takes it back).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>No rows are shown: clear the filter to sort all %n photo(s).</source>
        <translation>
            <numerusform>No rows are shown: clear the filter to sort the %n photo.</numerusform>
            <numerusform>No rows are shown: clear the filter to sort all %n photos.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The rows shown have no classified photos: clear the filter to sort all %n photo(s).</source>
        <translation>
            <numerusform>The rows shown have no classified photos: clear the filter to sort the %n photo.</numerusform>
            <numerusform>The rows shown have no classified photos: clear the filter to sort all %n photos.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Copied %n photo(s) into {target}</source>
        <translation>
            <numerusform>Copied %n photo into {target}</numerusform>
            <numerusform>Copied %n photos into {target}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moved %n photo(s) into {target}</source>
        <translation>
            <numerusform>Moved %n photo into {target}</numerusform>
            <numerusform>Moved %n photos into {target}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>(%n photo(s) already there with the same content, skipped)</source>
        <translation>
            <numerusform>(%n photo already there with the same content, skipped)</numerusform>
            <numerusform>(%n photos already there with the same content, skipped)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n photo(s) are back where they were before the sort: their rows follow them.</source>
        <translation>
            <numerusform>%n photo is back where it was before the sort: its row follows it.</numerusform>
            <numerusform>%n photos are back where they were before the sort: their rows follow them.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n photo(s) are no longer found: their rows say so.</source>
        <translation>
            <numerusform>%n photo is no longer found: its row says so.</numerusform>
            <numerusform>%n photos are no longer found: their rows say so.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Undone: moved %n photo(s) back</source>
        <translation>
            <numerusform>Undone: moved %n photo back</numerusform>
            <numerusform>Undone: moved %n photos back</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Undone: removed %n copy(ies)</source>
        <translation>
            <numerusform>Undone: removed %n copy</numerusform>
            <numerusform>Undone: removed %n copies</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SortWorker</name>
    <message numerus="yes">
        <source>%n name(s) already taken there: they get a suffix, e.g. “photo (1).jpg”. Nothing is overwritten.</source>
        <translation>
            <numerusform>%n name is already taken there: it gets a suffix, e.g. “photo (1).jpg”. Nothing is overwritten.</numerusform>
            <numerusform>%n names are already taken there: they get a suffix, e.g. “photo (1).jpg”. Nothing is overwritten.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n photo(s) already in their folder stay as they are.</source>
        <translation>
            <numerusform>%n photo already in its folder stays as it is.</numerusform>
            <numerusform>%n photos already in their folder stay as they are.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n photo(s) already there with the same content are skipped.</source>
        <translation>
            <numerusform>%n photo already there with the same content is skipped.</numerusform>
            <numerusform>%n photos already there with the same content are skipped.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unreadable photo(s) stay where they are.</source>
        <translation>
            <numerusform>%n unreadable photo stays where it is.</numerusform>
            <numerusform>%n unreadable photos stay where they are.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n earlier sort(s) into this folder stay undoable: Undo Last Sort undoes this one first, then the earlier ones, newest first.</source>
        <translation>
            <numerusform>%n earlier sort into this folder stays undoable: Undo Last Sort undoes this one first, then the earlier one.</numerusform>
            <numerusform>%n earlier sorts into this folder stay undoable: Undo Last Sort undoes this one first, then the earlier ones, newest first.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Copy %n selected photo(s) into {target}:</source>
        <translation>
            <numerusform>Copy %n selected photo into {target}:</numerusform>
            <numerusform>Copy %n selected photos into {target}:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Move %n selected photo(s) into {target}:</source>
        <translation>
            <numerusform>Move %n selected photo into {target}:</numerusform>
            <numerusform>Move %n selected photos into {target}:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Copy all %n shown photo(s) into {target}:</source>
        <translation>
            <numerusform>Copy the %n shown photo into {target}:</numerusform>
            <numerusform>Copy all %n shown photos into {target}:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Move all %n shown photo(s) into {target}:</source>
        <translation>
            <numerusform>Move the %n shown photo into {target}:</numerusform>
            <numerusform>Move all %n shown photos into {target}:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n earlier sort(s) in this folder can be undone with Undo Last Sort again.</source>
        <translation>
            <numerusform>%n earlier sort in this folder can be undone with Undo Last Sort again.</numerusform>
            <numerusform>%n earlier sorts in this folder can be undone with Undo Last Sort again.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TagActions</name>
    <message numerus="yes">
        <source>%n uncertain not tagged</source>
        <translation>
            <numerusform>%n uncertain not tagged</numerusform>
            <numerusform>%n uncertain not tagged</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n of them keep an earlier Cat/Dog tag</source>
        <translation>
            <numerusform>%n of them keeps an earlier Cat/Dog tag</numerusform>
            <numerusform>%n of them keep an earlier Cat/Dog tag</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n written</source>
        <translation>
            <numerusform>%n written</numerusform>
            <numerusform>%n written</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n would be written</source>
        <translation>
            <numerusform>%n would be written</numerusform>
            <numerusform>%n would be written</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unchanged</source>
        <translation>
            <numerusform>%n unchanged</numerusform>
            <numerusform>%n unchanged</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n kept</source>
        <translation>
            <numerusform>%n kept</numerusform>
            <numerusform>%n kept</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n undone</source>
        <translation>
            <numerusform>%n undone</numerusform>
            <numerusform>%n undone</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n error(s)</source>
        <translation>
            <numerusform>%n error</numerusform>
            <numerusform>%n errors</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TagOptions</name>
    <message numerus="yes">
        <source>All rows shown ({n}; %n with an error get no tag)</source>
        <translation>
            <numerusform>All rows shown ({n}; %n with an error gets no tag)</numerusform>
            <numerusform>All rows shown ({n}; %n with an error get no tag)</numerusform>
        </translation>
    </message>
</context>
</TS>
