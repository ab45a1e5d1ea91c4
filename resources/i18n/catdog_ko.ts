<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko" sourcelanguage="en">
<context>
    <name>ChangedFiles</name>
    <message numerus="yes">
        <source>%n photo(s) changed on disk after classification: classifying again first</source>
        <translation>
            <numerusform>분류한 뒤 디스크에서 바뀐 사진 %n장: 먼저 다시 분류합니다</numerusform>
        </translation>
    </message>
    <message>
        <source>Left out, changed on disk again while being classified: {names}</source>
        <translation>분류하는 동안 디스크에서 다시 바뀌어 제외함: {names}</translation>
    </message>
    <message>
        <source>{name} changed on disk after classification: classifying again</source>
        <translation>{name}이(가) 분류한 뒤 디스크에서 바뀌었습니다: 다시 분류합니다</translation>
    </message>
    <message numerus="yes">
        <source>%n photo(s) changed on disk after classification: {names} (written with the earlier verdict; select or add them again to classify them again)</source>
        <translation>
            <numerusform>분류한 뒤 디스크에서 바뀐 사진 %n장: {names} (이전 판정으로 기록함; 다시 분류하려면 선택하거나 다시 추가하세요)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CoreText</name>
    <message>
        <source>file not found</source>
        <translation>파일 없음</translation>
    </message>
    <message>
        <source>broken symbolic link (its target is missing)</source>
        <translation>깨진 심볼릭 링크 (대상 파일이 없음)</translation>
    </message>
    <message>
        <source>no such file or folder</source>
        <translation>파일이나 폴더 없음</translation>
    </message>
    <message>
        <source>image too large</source>
        <translation>이미지가 너무 큼</translation>
    </message>
    <message>
        <source>cannot read the file</source>
        <translation>파일을 읽을 수 없음</translation>
    </message>
    <message>
        <source>not enough memory</source>
        <translation>메모리 부족</translation>
    </message>
    <message>
        <source>truncated or damaged image</source>
        <translation>잘리거나 손상된 이미지</translation>
    </message>
    <message>
        <source>damaged or unsupported image</source>
        <translation>손상되었거나 지원하지 않는 이미지</translation>
    </message>
    <message>
        <source>cannot decode the image</source>
        <translation>이미지를 디코딩할 수 없음</translation>
    </message>
    <message>
        <source>empty file (0 bytes)</source>
        <translation>빈 파일 (0바이트)</translation>
    </message>
    <message>
        <source>unsupported format</source>
        <translation>지원하지 않는 형식</translation>
    </message>
    <message>
        <source>not an image</source>
        <translation>이미지가 아님</translation>
    </message>
    <message>
        <source>the model failed on this photo</source>
        <translation>모델이 이 사진을 처리하지 못함</translation>
    </message>
    <message>
        <source>tiny image ({width}×{height} px; under {side} px on a side)</source>
        <translation>너무 작은 이미지 ({width}×{height} 픽셀, 한 변이 {side} 픽셀 미만)</translation>
    </message>
    <message>
        <source>extreme aspect ratio ({width}×{height} px, over {ratio}:1)</source>
        <translation>극단적인 가로세로 비율 ({width}×{height} 픽셀, {ratio}:1 초과)</translation>
    </message>
    <message>
        <source>nearly one flat colour (pixel standard deviation {spread}, under {least})</source>
        <translation>거의 단색 (픽셀 표준편차 {spread}, {least} 미만)</translation>
    </message>
    <message>
        <source>alpha channel is 0 everywhere; taken as an opaque image</source>
        <translation>알파 채널이 모두 0이어서 불투명한 이미지로 처리함</translation>
    </message>
    <message>
        <source>damaged EXIF metadata ignored, orientation unknown ({reason})</source>
        <translation>손상된 EXIF 메타데이터를 무시함, 방향 알 수 없음 ({reason})</translation>
    </message>
    <message>
        <source>damaged EXIF metadata ignored ({reason})</source>
        <translation>손상된 EXIF 메타데이터를 무시함 ({reason})</translation>
    </message>
    <message>
        <source>colour profile unreadable, colours used as stored ({reason})</source>
        <translation>색 프로필을 읽을 수 없어 저장된 색을 그대로 사용함 ({reason})</translation>
    </message>
    <message>
        <source>colour profile {name} is for {space}, the image is {mode}; ignored</source>
        <translation>색 프로필 {name}은(는) {space}용인데 이미지는 {mode}이므로 무시함</translation>
    </message>
    <message>
        <source>colour profile {name} cannot be applied, colours used as stored ({reason})</source>
        <translation>색 프로필 {name}을(를) 적용할 수 없어 저장된 색을 그대로 사용함 ({reason})</translation>
    </message>
    <message>
        <source>decoder warning: {reason}</source>
        <translation>디코더 경고: {reason}</translation>
    </message>
    <message>
        <source>JPEG end marker missing (the image data is complete)</source>
        <translation>JPEG 끝 표식이 없음 (이미지 데이터는 온전함)</translation>
    </message>
    <message>
        <source>animated: first of {count} frames classified</source>
        <translation>애니메이션: 프레임 {count}개 중 첫 프레임을 분류함</translation>
    </message>
    <message>
        <source>EXIF orientation {value} is not valid, image used as stored</source>
        <translation>EXIF 방향 값 {value}이(가) 올바르지 않아 저장된 그대로 사용함</translation>
    </message>
    <message>
        <source>not requested</source>
        <translation>요청하지 않음</translation>
    </message>
    <message>
        <source>this ONNX Runtime build has no CUDA support (install onnxruntime-gpu)</source>
        <translation>이 ONNX Runtime 빌드는 CUDA를 지원하지 않음 (onnxruntime-gpu 설치 필요)</translation>
    </message>
    <message>
        <source>no NVIDIA GPU driver ({detail})</source>
        <translation>NVIDIA GPU 드라이버 없음 ({detail})</translation>
    </message>
    <message>
        <source>the CUDA provider failed to load ({detail}; needs CUDA and cuDNN)</source>
        <translation>CUDA 실행 공급자를 불러오지 못함 ({detail}; CUDA와 cuDNN 필요)</translation>
    </message>
    <message>
        <source>ONNX Runtime could not create the CUDA provider (unsupported GPU or out of memory; see its log)</source>
        <translation>ONNX Runtime이 CUDA 실행 공급자를 만들지 못함 (지원되지 않는 GPU 또는 메모리 부족; 로그 참고)</translation>
    </message>
    <message>
        <source>Permission denied</source>
        <translation>권한이 없습니다</translation>
    </message>
    <message>
        <source>Read-only file system</source>
        <translation>읽기 전용 파일 시스템</translation>
    </message>
    <message>
        <source>No space left on device</source>
        <translation>디스크 공간이 부족합니다</translation>
    </message>
    <message>
        <source>No such file or directory</source>
        <translation>파일이나 폴더가 없습니다</translation>
    </message>
    <message>
        <source>the file is read-only</source>
        <translation>읽기 전용 파일입니다</translation>
    </message>
    <message>
        <source>Input/output error</source>
        <translation>입출력 오류</translation>
    </message>
    <message>
        <source>File name too long</source>
        <translation>파일 이름이 너무 깁니다</translation>
    </message>
    <message>
        <source>model file not found: {path} (set by $CATDOG_MODEL)</source>
        <translation>모델 파일이 없습니다: {path} ($CATDOG_MODEL로 지정됨)</translation>
    </message>
    <message>
        <source>model file not found: {path}</source>
        <translation>모델 파일이 없습니다: {path}</translation>
    </message>
    <message>
        <source>model path is not a file: {path}</source>
        <translation>모델 경로가 파일이 아닙니다: {path}</translation>
    </message>
    <message>
        <source>model file {name} is empty (0 bytes)</source>
        <translation>모델 파일 {name}이(가) 비어 있습니다 (0바이트)</translation>
    </message>
    <message>
        <source>{name} is not an ONNX file (or a damaged one): {reason}</source>
        <translation>{name}은(는) ONNX 파일이 아니거나 손상된 파일입니다: {reason}</translation>
    </message>
    <message>
        <source>cannot open {name} as an ONNX model: {reason}</source>
        <translation>{name}을(를) ONNX 모델로 열 수 없습니다: {reason}</translation>
    </message>
    <message>
        <source>model {name} is not a catdog model: it has no &apos;catdog.contract&apos; metadata (export it with python -m training.export)</source>
        <translation>모델 {name}은(는) catdog 모델이 아닙니다: &apos;catdog.contract&apos; 메타데이터가 없습니다 (python -m training.export로 내보내세요)</translation>
    </message>
    <message>
        <source>no confidence</source>
        <translation>신뢰도 없음</translation>
    </message>
    <message>
        <source>top probability {confidence} below the threshold {threshold}</source>
        <translation>최고 확률 {confidence}, 기준값 {threshold} 미만</translation>
    </message>
    <message>
        <source>{library} not found</source>
        <translation>{library} 없음</translation>
    </message>
    <message>
        <source>{provider} — CUDA unavailable</source>
        <translation>{provider} — CUDA 사용 불가</translation>
    </message>
    <message>
        <source>flip TTA</source>
        <translation>좌우 반전 TTA</translation>
    </message>
    <message>
        <source>no TTA</source>
        <translation>TTA 없음</translation>
    </message>
    <message>
        <source>{provider} — CUDA unavailable: {reason}</source>
        <translation>{provider} — CUDA 사용 불가: {reason}</translation>
    </message>
</context>
<context>
    <name>DetailView</name>
    <message>
        <source>Normalisation: min–max per map</source>
        <translation>맵별 최소–최대 정규화</translation>
    </message>
    <message>
        <source>No photo selected</source>
        <translation>선택한 사진 없음</translation>
    </message>
    <message>
        <source>Perceptually uniform colour map (matplotlib)</source>
        <translation>지각적으로 균일한 컬러맵 (matplotlib)</translation>
    </message>
    <message>
        <source>Save PNG…</source>
        <translation>PNG 저장…</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>복사</translation>
    </message>
    <message>
        <source>Select a photo in the results</source>
        <translation>결과에서 사진을 선택하세요</translation>
    </message>
    <message>
        <source>Class whose activation map is drawn (default: the predicted one)</source>
        <translation>활성화 맵을 그릴 클래스 (기본값: 예측한 클래스)</translation>
    </message>
    <message>
        <source>Save the current visualisation as a PNG file: the whole photo with its map, or a flow tab&apos;s tiles, whatever the zoom</source>
        <translation>현재 시각화를 PNG 파일로 저장합니다: 확대와 상관없이 사진 전체와 맵, 또는 흐름 탭의 타일</translation>
    </message>
    <message>
        <source>Copy the current visualisation to the clipboard: the whole photo with its map, or a flow tab&apos;s tiles, whatever the zoom</source>
        <translation>현재 시각화를 클립보드에 복사합니다: 확대와 상관없이 사진 전체와 맵, 또는 흐름 탭의 타일</translation>
    </message>
    <message>
        <source>Show CAM</source>
        <translation>CAM 표시</translation>
    </message>
    <message>
        <source>Opacity of the map drawn over the photo</source>
        <translation>사진 위에 겹친 맵의 불투명도</translation>
    </message>
    <message>
        <source>Each map is scaled so that its own minimum is dark and its maximum bright</source>
        <translation>각 맵은 자신의 최솟값이 어둡고 최댓값이 밝도록 조정됩니다</translation>
    </message>
    <message>
        <source>Colour scale: each map&apos;s minimum (left) to its maximum (right)</source>
        <translation>색상 척도: 각 맵의 최솟값(왼쪽)부터 최댓값(오른쪽)까지</translation>
    </message>
    <message>
        <source>Class:</source>
        <translation>클래스:</translation>
    </message>
    <message>
        <source>min</source>
        <translation>최소</translation>
    </message>
    <message>
        <source>max</source>
        <translation>최대</translation>
    </message>
    <message>
        <source>CAM</source>
        <translation>CAM</translation>
    </message>
    <message>
        <source>Class activation map: where the photo pushed the model towards a class</source>
        <translation>클래스 활성화 맵: 사진의 어느 부분이 모델을 어떤 클래스 쪽으로 이끌었는지</translation>
    </message>
    <message>
        <source>Colour map:</source>
        <translation>컬러맵:</translation>
    </message>
    <message>
        <source>Opacity:</source>
        <translation>불투명도:</translation>
    </message>
    <message>
        <source>Error: {error}</source>
        <translation>오류: {error}</translation>
    </message>
    <message>
        <source>This file could not be classified:
{error}</source>
        <translation>이 파일은 분류할 수 없습니다:
{error}</translation>
    </message>
    <message>
        <source>No model loaded</source>
        <translation>불러온 모델 없음</translation>
    </message>
    <message>
        <source>Computing feature maps…</source>
        <translation>특징 맵 계산 중…</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>계산 중…</translation>
    </message>
    <message>
        <source>Save visualisation</source>
        <translation>시각화 저장</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG 이미지 (*.png)</translation>
    </message>
    <message>
        <source>Save failed</source>
        <translation>저장 실패</translation>
    </message>
    <message>
        <source>Could not write {path}.</source>
        <translation>{path}에 쓸 수 없습니다.</translation>
    </message>
    <message>
        <source>Saved {path} ({w} × {h} px)</source>
        <translation>{path}에 저장했습니다 ({w} × {h} px)</translation>
    </message>
    <message>
        <source>Copied the picture to the clipboard ({w} × {h} px)</source>
        <translation>그림을 클립보드에 복사했습니다 ({w} × {h} px)</translation>
    </message>
    <message>
        <source>Could not compute the maps: {message}</source>
        <translation>맵을 계산할 수 없습니다: {message}</translation>
    </message>
    <message>
        <source>The maps could not be computed:
{message}</source>
        <translation>맵을 계산할 수 없습니다:
{message}</translation>
    </message>
    <message>
        <source>&lt;b&gt;{mark}&lt;/b&gt; — marked by hand; the model says {label} {confidence}</source>
        <translation>&lt;b&gt;{mark}&lt;/b&gt; — 직접 표시함; 모델 판정은 {label} {confidence}</translation>
    </message>
    <message>
        <source>&lt;b&gt;{uncertain}&lt;/b&gt; — {label} {confidence}: {reason}</source>
        <translation>&lt;b&gt;{uncertain}&lt;/b&gt; — {label} {confidence}: {reason}</translation>
    </message>
    <message>
        <source>&lt;b&gt;{label}&lt;/b&gt; — {confidence} confidence</source>
        <translation>&lt;b&gt;{label}&lt;/b&gt; — 신뢰도 {confidence}</translation>
    </message>
    <message>
        <source>missing outputs: {outputs}</source>
        <translation>없는 출력: {outputs}</translation>
    </message>
    <message>
        <source>{provider} · inference {ms} ms</source>
        <translation>{provider} · 추론 {ms} ms</translation>
    </message>
    <message>
        <source>This model has no &apos;cam&apos; output; only the photo is shown.</source>
        <translation>이 모델에는 &apos;cam&apos; 출력이 없어 사진만 보여 줍니다.</translation>
    </message>
    <message>
        <source>CAM of &apos;{label}&apos;</source>
        <translation>&apos;{label}&apos; CAM</translation>
    </message>
</context>
<context>
    <name>DropZone</name>
    <message>
        <source>(and {n} more)</source>
        <translation>(외 {n}개)</translation>
    </message>
    <message>
        <source>Only files on this computer can be classified, and this drop holds a web address:

{urls}

Save the image to a folder first (in the browser: right-click, Save Image As…), then drop the saved file or folder here.</source>
        <translation>이 컴퓨터에 있는 파일만 분류할 수 있는데, 끌어 놓은 항목은 웹 주소입니다:

{urls}

먼저 이미지를 폴더에 저장한 뒤(브라우저에서 마우스 오른쪽 버튼 ▸ 다른 이름으로 이미지 저장…), 저장한 파일이나 폴더를 여기에 끌어 놓으세요.</translation>
    </message>
    <message>
        <source>Drop more photos or folders here · Ctrl+O files · Ctrl+Shift+O folder</source>
        <translation>사진이나 폴더를 여기에 더 끌어 놓으세요 · Ctrl+O 파일 · Ctrl+Shift+O 폴더</translation>
    </message>
    <message>
        <source>Drop photos or folders here
or use File ▸ Open Files (Ctrl+O) / Open Folder (Ctrl+Shift+O)</source>
        <translation>사진이나 폴더를 여기에 끌어 놓으세요
또는 파일 ▸ 파일 열기 (Ctrl+O) / 폴더 열기 (Ctrl+Shift+O)</translation>
    </message>
</context>
<context>
    <name>Duration</name>
    <message>
        <source>{s} s</source>
        <translation>{s}초</translation>
    </message>
    <message>
        <source>{m} min {s:02d} s</source>
        <translation>{m}분 {s}초</translation>
    </message>
    <message>
        <source>{h} h {m:02d} min</source>
        <translation>{h}시간 {m}분</translation>
    </message>
</context>
<context>
    <name>EmptyFilterHint</name>
    <message>
        <source>No photo matches the filter.</source>
        <translation>필터에 맞는 사진이 없습니다.</translation>
    </message>
    <message>
        <source>Show all photos</source>
        <translation>모든 사진 보기</translation>
    </message>
</context>
<context>
    <name>FilterBar</name>
    <message>
        <source>Lowest confidence shown</source>
        <translation>표시할 최저 신뢰도</translation>
    </message>
    <message>
        <source>Highest confidence shown</source>
        <translation>표시할 최고 신뢰도</translation>
    </message>
    <message>
        <source>Search file or folder names</source>
        <translation>파일 또는 폴더 이름 검색</translation>
    </message>
    <message>
        <source>Confidence</source>
        <translation>신뢰도</translation>
    </message>
    <message>
        <source>All</source>
        <translation>전체</translation>
    </message>
    <message>
        <source>Uncertain</source>
        <translation>불확실</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>오류</translation>
    </message>
    <message>
        <source>Top probability below {threshold}</source>
        <translation>최고 확률이 {threshold} 미만</translation>
    </message>
</context>
<context>
    <name>FlowTab</name>
    <message>
        <source>How many channels to show: the K most active by mean activation</source>
        <translation>표시할 채널 수: 평균 활성화가 가장 큰 K개</translation>
    </message>
    <message>
        <source>Over photo</source>
        <translation>사진 위에</translation>
    </message>
    <message>
        <source>Draw the large map over the photo</source>
        <translation>큰 맵을 사진 위에 겹쳐 그리기</translation>
    </message>
    <message>
        <source>Each map covers the part of the photo the model saw (all of it when the model squashes photos to its input size), so it is drawn with that part&apos;s shape</source>
        <translation>각 맵은 모델이 본 사진 영역(모델이 사진을 입력 크기로 눌러 맞추면 사진 전체)을 덮으므로 그 영역의 모양대로 그립니다</translation>
    </message>
    <message>
        <source>Top K:</source>
        <translation>상위 K:</translation>
    </message>
    <message>
        <source>mean</source>
        <translation>평균</translation>
    </message>
    <message>
        <source>Select a photo to see its feature maps.</source>
        <translation>특징 맵을 보려면 사진을 선택하세요.</translation>
    </message>
    <message>
        <source>This model has no &apos;{output}&apos; output, so the {flow} cannot be shown. Export the model with the full contract to see it.</source>
        <translation>이 모델에는 &apos;{output}&apos; 출력이 없어 {flow}을 보여 줄 수 없습니다. 보려면 모델을 모든 출력을 갖춘 형식으로 다시 내보내세요.</translation>
    </message>
    <message>
        <source>{c} × {h} × {w} (channels × height × width)</source>
        <translation>{c} × {h} × {w} (채널 × 높이 × 너비)</translation>
    </message>
    <message>
        <source>channel
mean</source>
        <translation>채널 평균</translation>
    </message>
    <message>
        <source>Mean over all channels</source>
        <translation>모든 채널의 평균</translation>
    </message>
    <message>
        <source>Channel {channel}: mean activation {score} over the photo.
Tiles are ordered by it, most active first; each tile is scaled to its own min–max.
Help ▸ How to read the maps explains more.</source>
        <translation>채널 {channel}: 사진 전체의 평균 활성화 {score}.
타일은 이 값이 큰 것부터 놓이며, 각 타일은 자신의 최소–최대로 조정됩니다.
자세한 내용은 도움말 ▸ 맵 읽는 법을 보세요.</translation>
    </message>
    <message>
        <source>channel mean</source>
        <translation>채널 평균</translation>
    </message>
    <message>
        <source>channel {channel}</source>
        <translation>채널 {channel}</translation>
    </message>
    <message>
        <source>{flow}, {what} (min–max per map)</source>
        <translation>{flow}, {what} (맵별 최소–최대)</translation>
    </message>
</context>
<context>
    <name>Flows</name>
    <message>
        <source>Entry flow</source>
        <translation>진입 흐름</translation>
    </message>
    <message>
        <source>Middle flow</source>
        <translation>중간 흐름</translation>
    </message>
    <message>
        <source>Exit flow</source>
        <translation>출구 흐름</translation>
    </message>
</context>
<context>
    <name>ImageView</name>
    <message>
        <source>Scroll or +/− to zoom · drag or arrow keys to move · double-click or F to fill or fit · 0 fits</source>
        <translation>스크롤 또는 +/−로 확대/축소 · 끌기 또는 화살표 키로 이동 · 두 번 클릭 또는 F로 채우기/맞추기 · 0은 맞추기</translation>
    </message>
</context>
<context>
    <name>Keyboard</name>
    <message>
        <source>&amp;Search Names</source>
        <translation>이름 검색(&amp;S)</translation>
    </message>
    <message>
        <source>Type part of a file or folder name to show only those rows</source>
        <translation>파일이나 폴더 이름의 일부를 입력하면 그 행만 표시합니다</translation>
    </message>
    <message>
        <source>Mark as {label}</source>
        <translation>직접 표시: {label}</translation>
    </message>
    <message>
        <source>Clear Mark</source>
        <translation>직접 표시 지우기</translation>
    </message>
    <message>
        <source>Select a classified photo to mark it</source>
        <translation>표시할 분류된 사진을 선택하세요</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <source>cat</source>
        <translation>고양이</translation>
    </message>
    <message>
        <source>dog</source>
        <translation>개</translation>
    </message>
    <message>
        <source>uncertain</source>
        <translation>불확실</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>No model loaded — use File ▸ Open Model… to choose an ONNX model file</source>
        <translation>불러온 모델이 없습니다 — 파일 ▸ 모델 열기…에서 ONNX 모델 파일을 고르세요</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>파일(&amp;F)</translation>
    </message>
    <message>
        <source>Open &amp;Files…</source>
        <translation>파일 열기(&amp;F)…</translation>
    </message>
    <message>
        <source>Classify photos</source>
        <translation>사진 분류</translation>
    </message>
    <message>
        <source>Open F&amp;older…</source>
        <translation>폴더 열기(&amp;O)…</translation>
    </message>
    <message>
        <source>Classify every photo in a folder and its subfolders</source>
        <translation>폴더와 하위 폴더의 모든 사진 분류</translation>
    </message>
    <message>
        <source>Open &amp;Model…</source>
        <translation>모델 열기(&amp;M)…</translation>
    </message>
    <message>
        <source>Use another ONNX model</source>
        <translation>다른 ONNX 모델 사용</translation>
    </message>
    <message>
        <source>&amp;Export CSV…</source>
        <translation>CSV 내보내기(&amp;E)…</translation>
    </message>
    <message>
        <source>Save the results as CSV</source>
        <translation>결과를 CSV로 저장</translation>
    </message>
    <message>
        <source>C&amp;lear Results</source>
        <translation>결과 지우기(&amp;L)</translation>
    </message>
    <message>
        <source>Remove every row</source>
        <translation>모든 행 제거</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>끝내기(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>보기(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Gallery</source>
        <translation>갤러리(&amp;G)</translation>
    </message>
    <message>
        <source>Large thumbnails with their verdicts, instead of the table</source>
        <translation>표 대신 큰 미리 보기와 판정을 표시</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>도움말(&amp;H)</translation>
    </message>
    <message>
        <source>How to Read the &amp;Maps</source>
        <translation>맵 읽는 법(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;About catdog</source>
        <translation>catdog 정보(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>모델(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Accurate (flip, 2x slower)</source>
        <translation>정확(&amp;A) (좌우 반전, 2배 느림)</translation>
    </message>
    <message>
        <source>&amp;Fast</source>
        <translation>빠름(&amp;F)</translation>
    </message>
    <message>
        <source>Precision: a&amp;uto (int8 on the CPU)</source>
        <translation>정밀도: 자동(&amp;U) (CPU에서는 int8)</translation>
    </message>
    <message>
        <source>Precision: fp&amp;32</source>
        <translation>정밀도: fp&amp;32</translation>
    </message>
    <message>
        <source>Precision: &amp;int8</source>
        <translation>정밀도: &amp;int8</translation>
    </message>
    <message>
        <source>Device: aut&amp;o (CUDA when it works)</source>
        <translation>장치: 자동(&amp;O) (쓸 수 있으면 CUDA)</translation>
    </message>
    <message>
        <source>Device: &amp;CPU</source>
        <translation>장치: &amp;CPU</translation>
    </message>
    <message>
        <source>Device: CU&amp;DA</source>
        <translation>장치: CU&amp;DA</translation>
    </message>
    <message>
        <source>Uncertain &amp;Threshold…</source>
        <translation>불확실 기준값(&amp;T)…</translation>
    </message>
    <message>
        <source>The top probability below which a photo counts as uncertain</source>
        <translation>가장 높은 확률이 이 값보다 낮으면 불확실로 봅니다</translation>
    </message>
    <message>
        <source>uncertain below {threshold} (your setting; model&apos;s default {model})</source>
        <translation>불확실 기준 {threshold} 미만 (사용자 설정, 모델 기본값 {model})</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>모델</translation>
    </message>
    <message>
        <source>Cancel or finish the current run before opening another model.</source>
        <translation>다른 모델을 열기 전에 현재 작업을 취소하거나 끝내세요.</translation>
    </message>
    <message>
        <source>Device CUDA: the CUDA provider cannot be used: {reason}</source>
        <translation>장치 CUDA: CUDA 실행 공급자를 쓸 수 없습니다: {reason}</translation>
    </message>
    <message numerus="yes">
        <source>Model changed ({settings}): classifying the %n photo(s) again</source>
        <translation>
            <numerusform>모델 변경 ({settings}): 사진 %n장을 다시 분류합니다</numerusform>
        </translation>
    </message>
    <message>
        <source>Still using {name}.</source>
        <translation>{name} 모델을 계속 사용합니다.</translation>
    </message>
    <message>
        <source>No model is loaded; use File ▸ Open Model… to choose one.</source>
        <translation>불러온 모델이 없습니다. 파일 ▸ 모델 열기…에서 모델을 고르세요.</translation>
    </message>
    <message>
        <source>Could not open the model
{path}

{message}

{keep}</source>
        <translation>모델을 열 수 없습니다
{path}

{message}

{keep}</translation>
    </message>
    <message>
        <source>Model error</source>
        <translation>모델 오류</translation>
    </message>
    <message>
        <source>Open model</source>
        <translation>모델 열기</translation>
    </message>
    <message>
        <source>ONNX models (*.onnx);;All files (*)</source>
        <translation>ONNX 모델 (*.onnx);;모든 파일 (*)</translation>
    </message>
    <message>
        <source>No model loaded.</source>
        <translation>불러온 모델이 없습니다.</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>알 수 없음</translation>
    </message>
    <message>
        <source>File</source>
        <translation>파일</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>구조</translation>
    </message>
    <message>
        <source>Trained on</source>
        <translation>학습 데이터</translation>
    </message>
    <message>
        <source>Validation top-1</source>
        <translation>검증 top-1 정확도</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>만든 날짜</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>레이블</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>입력 크기</translation>
    </message>
    <message>
        <source>Providers</source>
        <translation>실행 공급자</translation>
    </message>
    <message>
        <source>In use</source>
        <translation>사용 중</translation>
    </message>
    <message>
        <source>About catdog</source>
        <translation>catdog 정보</translation>
    </message>
    <message numerus="yes">
        <source>%n item(s) named at start will be classified once a model is open (File ▸ Open Model…)</source>
        <translation>
            <numerusform>시작할 때 지정한 항목 %n개는 모델을 열면 분류합니다 (파일 ▸ 모델 열기…)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Classify the %Ln photo(s) in the table again with the new model settings?</source>
        <translation>
            <numerusform>표의 사진 %Ln장을 새 모델 설정으로 다시 분류할까요?</numerusform>
        </translation>
    </message>
    <message>
        <source>The last run&apos;s speed makes that about {duration}.</source>
        <translation>지난 실행 속도로 약 {duration} 걸립니다.</translation>
    </message>
    <message>
        <source>Classify again</source>
        <translation>다시 분류</translation>
    </message>
    <message>
        <source>The table is cleared first; marks by hand are kept.</source>
        <translation>표를 먼저 비웁니다. 직접 표시한 항목은 유지됩니다.</translation>
    </message>
    <message>
        <source>{path} (set by $CATDOG_MODEL)</source>
        <translation>{path} ($CATDOG_MODEL로 지정됨)</translation>
    </message>
    <message>
        <source>Tells cats from dogs in your photos with Xception.</source>
        <translation>Xception으로 사진 속 고양이와 개를 구별합니다.</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>모델 없음</translation>
    </message>
    <message>
        <source>No model is loaded; use File ▸ Open Model… first.</source>
        <translation>불러온 모델이 없습니다. 먼저 파일 ▸ 모델 열기…를 사용하세요.</translation>
    </message>
    <message>
        <source>Scanning…</source>
        <translation>찾는 중…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>취소하는 중…</translation>
    </message>
    <message>
        <source>estimating time left…</source>
        <translation>남은 시간 계산 중…</translation>
    </message>
    <message>
        <source>Not found: {paths}</source>
        <translation>찾을 수 없음: {paths}</translation>
    </message>
    <message numerus="yes">
        <source> · then %n queued</source>
        <translation>
            <numerusform> · 다음에 %n개 대기</numerusform>
        </translation>
    </message>
    <message>
        <source>{done} / {total} · {rate} photos/s</source>
        <translation>{done} / {total} · 초당 {rate}장</translation>
    </message>
    <message>
        <source>about {duration} left</source>
        <translation>약 {duration} 남음</translation>
    </message>
    <message>
        <source>No photos yet</source>
        <translation>아직 사진 없음</translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;%n&lt;/b&gt; photo(s)</source>
        <translation>
            <numerusform>사진 &lt;b&gt;%n&lt;/b&gt;장</numerusform>
        </translation>
    </message>
    <message>
        <source>uncertain &lt;b&gt;{n}&lt;/b&gt;</source>
        <translation>불확실 &lt;b&gt;{n}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>errors &lt;b&gt;{n}&lt;/b&gt;</source>
        <translation>오류 &lt;b&gt;{n}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>unreadable folders &lt;b&gt;{n}&lt;/b&gt;</source>
        <translation>읽을 수 없는 폴더 &lt;b&gt;{n}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Uncertain: the top probability is below {threshold}. Counts cover every row in the table.</source>
        <translation>불확실: 최고 확률이 {threshold} 미만입니다. 개수는 표의 모든 행을 셉니다.</translation>
    </message>
    <message numerus="yes">
        <source>%n removed: no longer on disk</source>
        <translation>
            <numerusform>%n장 제거: 더 이상 디스크에 없음</numerusform>
        </translation>
    </message>
    <message>
        <source>folder links leading outside not followed: {n}</source>
        <translation>바깥으로 이어지는 폴더 링크를 따라가지 않음: {n}개</translation>
    </message>
    <message numerus="yes">
        <source>No new or changed photos: the %n photo(s) found are already in the table</source>
        <translation>
            <numerusform>새로 추가되거나 바뀐 사진 없음: 찾은 사진 %n장이 이미 표에 있습니다</numerusform>
        </translation>
    </message>
    <message>
        <source>No images found</source>
        <translation>이미지를 찾지 못했습니다</translation>
    </message>
    <message numerus="yes">
        <source>Cancelled after %n photo(s)</source>
        <translation>
            <numerusform>사진 %n장에서 취소됨</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Classified %n photo(s)</source>
        <translation>
            <numerusform>사진 %n장 분류 완료</numerusform>
        </translation>
    </message>
    <message>
        <source>{n} uncertain</source>
        <translation>불확실 {n}</translation>
    </message>
    <message numerus="yes">
        <source>%n marked by hand (counted as marked below)</source>
        <translation>
            <numerusform>직접 표시 %n장 (아래 줄은 표시한 대로 셈)</numerusform>
        </translation>
    </message>
    <message>
        <source>{n} non-images skipped</source>
        <translation>이미지가 아닌 파일 {n}개 건너뜀</translation>
    </message>
    <message numerus="yes">
        <source>%n unchanged photo(s) kept</source>
        <translation>
            <numerusform>바뀌지 않은 사진 %n장 유지</numerusform>
        </translation>
    </message>
    <message>
        <source>not classified, queued: {names}</source>
        <translation>대기 중이던 항목은 분류하지 않음: {names}</translation>
    </message>
    <message>
        <source>{rate} images/s</source>
        <translation>초당 {rate}장</translation>
    </message>
    <message>
        <source>{name}: {error}</source>
        <translation>{name}: {error}</translation>
    </message>
    <message numerus="yes">
        <source>%n folder(s) could not be read</source>
        <translation>
            <numerusform>폴더 %n개를 읽을 수 없음</numerusform>
        </translation>
    </message>
    <message>
        <source>Classification stopped</source>
        <translation>분류 중단</translation>
    </message>
    <message>
        <source>The run stopped on an unexpected error:

{message}

The rows classified so far are kept.</source>
        <translation>예기치 않은 오류로 작업이 멈췄습니다:

{message}

지금까지 분류한 행은 그대로 남습니다.</translation>
    </message>
    <message>
        <source>Open photos</source>
        <translation>사진 열기</translation>
    </message>
    <message>
        <source>Images ({patterns});;All files (*)</source>
        <translation>이미지 ({patterns});;모든 파일 (*)</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>폴더 열기</translation>
    </message>
    <message>
        <source>Export CSV</source>
        <translation>CSV 내보내기</translation>
    </message>
    <message>
        <source>There are no results to export yet.</source>
        <translation>아직 내보낼 결과가 없습니다.</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 파일 (*.csv)</translation>
    </message>
    <message>
        <source>{path} already exists.
Replace it?</source>
        <translation>{path} 파일이 이미 있습니다.
바꾸시겠습니까?</translation>
    </message>
    <message>
        <source>Could not write {path}:
{reason}</source>
        <translation>{path}에 쓸 수 없습니다:
{reason}</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n row(s) to {path}</source>
        <translation>
            <numerusform>{path}에 %n행을 내보냈습니다</numerusform>
        </translation>
    </message>
    <message>
        <source> (the run is still going: photos classified after now are not in it)</source>
        <translation> (아직 분류 중: 지금 이후에 분류되는 사진은 포함되지 않았습니다)</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>열기</translation>
    </message>
    <message>
        <source>No application could be started to open the photo.</source>
        <translation>사진을 열 프로그램을 실행할 수 없습니다.</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>폴더에서 보기</translation>
    </message>
    <message>
        <source>No file manager could be started to show the photo.</source>
        <translation>사진을 보여 줄 파일 관리자를 실행할 수 없습니다.</translation>
    </message>
    <message>
        <source>The photo is at:
{path}</source>
        <translation>사진 위치:
{path}</translation>
    </message>
    <message>
        <source>Copy Path</source>
        <translation>경로 복사</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>열기(&amp;O)</translation>
    </message>
    <message>
        <source>Show in &amp;Folder</source>
        <translation>폴더에서 보기(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Copy Path</source>
        <translation>경로 복사(&amp;C)</translation>
    </message>
    <message numerus="yes">
        <source>%n error(s)</source>
        <translation>
            <numerusform>오류 %n개</numerusform>
        </translation>
    </message>
    <message>
        <source>Queued: {names} will be classified when this run finishes</source>
        <translation>대기 중: 이번 실행이 끝나면 {names}을(를) 분류합니다</translation>
    </message>
    <message numerus="yes">
        <source>%n photo(s) carry a verdict marked by hand.</source>
        <translation>
            <numerusform>사진 %n장에 직접 표시한 판정이 있습니다.</numerusform>
        </translation>
    </message>
    <message>
        <source>The results have not been exported.</source>
        <translation>결과를 아직 내보내지 않았습니다.</translation>
    </message>
    <message>
        <source>Clear every row anyway?</source>
        <translation>그래도 모든 행을 지울까요?</translation>
    </message>
    <message>
        <source>Clear results</source>
        <translation>결과 지우기</translation>
    </message>
    <message>
        <source>Not a local file</source>
        <translation>로컬 파일이 아님</translation>
    </message>
    <message>
        <source>No model loaded — File ▸ Open Model…</source>
        <translation>불러온 모델 없음 — 파일 ▸ 모델 열기…</translation>
    </message>
    <message>
        <source>Model: {name} ({settings}) · {provider}</source>
        <translation>모델: {name} ({settings}) · {provider}</translation>
    </message>
</context>
<context>
    <name>MapsHelp</name>
    <message>
        <source>
&lt;h2&gt;How to read the maps&lt;/h2&gt;
&lt;p&gt;&lt;img src=&quot;figure:scale&quot;&gt;&lt;br&gt;&lt;small&gt;Colour scale: each map&apos;s lowest value on the left, its highest on
the right.&lt;/small&gt;&lt;/p&gt;
{cam_figure}
&lt;h3&gt;Class activation map (CAM)&lt;/h3&gt;
&lt;p&gt;The CAM shows &lt;b&gt;where in the photo the model found evidence for a class&lt;/b&gt;. Xception ends with 2,048
feature maps; the CAM of a class is their weighted sum, with the weights of that class in the last layer
(Zhou et al., 2016). Bright areas pushed the model towards the class chosen in &lt;i&gt;Class&lt;/i&gt;; dark areas did
not. Averaged over the photo, the map plus the class&apos;s bias is exactly the class&apos;s score.&lt;/p&gt;
&lt;p&gt;Each map is scaled on its own, from its minimum to its maximum: compare where the bright spots are,
not how bright two photos&apos; maps are. The map is coarse (about 1/32 of the input size) and drawn smoothed.&lt;/p&gt;
&lt;h3&gt;The three flows&lt;/h3&gt;
&lt;p&gt;Xception (Chollet, 2017) works in three stages; the tabs show the channels of each stage&apos;s output that
are most active on average (&lt;i&gt;Top K&lt;/i&gt;), and their mean first.&lt;/p&gt;
&lt;ul&gt;
&lt;li&gt;&lt;b&gt;Entry flow&lt;/b&gt; (728 channels, 1/16 of the input size): edges, colours, textures: fur, whiskers,
the outline of an ear.&lt;/li&gt;
&lt;li&gt;&lt;b&gt;Middle flow&lt;/b&gt; (728 channels, 1/16): the same resolution after eight more blocks: parts and patterns
that start to mean something (an eye, a snout).&lt;/li&gt;
&lt;li&gt;&lt;b&gt;Exit flow&lt;/b&gt; (2,048 channels, 1/32): coarse maps of whole-object features; the CAM is built from
these.&lt;/li&gt;
&lt;/ul&gt;
&lt;p&gt;A tile&apos;s number is that channel&apos;s mean activation over the photo; tiles are ordered by it. &lt;i&gt;Over
photo&lt;/i&gt; draws the large map on top of the photo.&lt;/p&gt;
&lt;p&gt;The maps show what the model looked at, not why it is right: a confident verdict can rest on the
background (a sofa, a lead) as well as on the animal.&lt;/p&gt;
</source>
        <translation>
&lt;h2&gt;맵 읽는 법&lt;/h2&gt;
&lt;p&gt;&lt;img src=&quot;figure:scale&quot;&gt;&lt;br&gt;&lt;small&gt;색상 척도: 왼쪽이 각 맵의 가장 낮은 값, 오른쪽이 가장 높은 값입니다.&lt;/small&gt;&lt;/p&gt;
{cam_figure}
&lt;h3&gt;클래스 활성화 맵 (CAM)&lt;/h3&gt;
&lt;p&gt;CAM은 &lt;b&gt;모델이 사진의 어느 부분에서 클래스의 근거를 찾았는지&lt;/b&gt; 보여 줍니다. Xception의 마지막에는 특징 맵
2,048개가 있고, 한 클래스의 CAM은 마지막 층에 있는 그 클래스의 가중치로 이 맵들을 더한 가중합입니다
(Zhou 외, 2016). 밝은 부분은 모델을 &lt;i&gt;클래스&lt;/i&gt;에서 고른 클래스 쪽으로 이끌었고, 어두운 부분은 그러지
않았습니다. 사진 전체에 대해 평균한 맵에 클래스의 편향을 더하면 정확히 그 클래스의 점수가 됩니다.&lt;/p&gt;
&lt;p&gt;각 맵은 자신의 최솟값부터 최댓값까지 따로 조정됩니다. 두 사진의 맵이 얼마나 밝은지가 아니라 밝은 부분이
어디인지를 비교하세요. 맵은 거칠고(입력 크기의 약 1/32) 부드럽게 보간해서 그립니다.&lt;/p&gt;
&lt;h3&gt;세 흐름&lt;/h3&gt;
&lt;p&gt;Xception(Chollet, 2017)은 세 단계로 동작합니다. 각 탭은 그 단계 출력에서 평균적으로 가장 활성화된
채널(&lt;i&gt;상위 K&lt;/i&gt;)을 보여 주며, 맨 앞에는 그 평균을 보여 줍니다.&lt;/p&gt;
&lt;ul&gt;
&lt;li&gt;&lt;b&gt;진입 흐름&lt;/b&gt; (채널 728개, 입력 크기의 1/16): 가장자리, 색, 질감 — 털, 수염, 귀의 윤곽.&lt;/li&gt;
&lt;li&gt;&lt;b&gt;중간 흐름&lt;/b&gt; (채널 728개, 1/16): 블록 여덟 개를 더 거친 같은 해상도 — 의미를 띠기 시작하는 부분과
무늬(눈, 주둥이).&lt;/li&gt;
&lt;li&gt;&lt;b&gt;출구 흐름&lt;/b&gt; (채널 2,048개, 1/32): 물체 전체의 특징을 담은 거친 맵. CAM은 이 맵들로 만듭니다.&lt;/li&gt;
&lt;/ul&gt;
&lt;p&gt;타일의 숫자는 그 채널의 사진 전체 평균 활성화이며, 타일은 이 값 순서로 놓입니다. &lt;i&gt;사진 위에&lt;/i&gt;를
켜면 큰 맵을 사진 위에 겹쳐 그립니다.&lt;/p&gt;
&lt;p&gt;맵은 모델이 어디를 보았는지를 보여 줄 뿐, 왜 맞았는지를 보여 주지는 않습니다. 확신에 찬 판정도 동물이
아니라 배경(소파, 목줄)에 기댈 수 있습니다.&lt;/p&gt;
</translation>
    </message>
    <message>
        <source>How to read the maps</source>
        <translation>맵 읽는 법</translation>
    </message>
    <message>
        <source>The photo selected now, with the CAM of the class chosen in the CAM tab.</source>
        <translation>지금 선택한 사진과, CAM 탭에서 고른 클래스의 CAM.</translation>
    </message>
    <message>
        <source>To look closer, scroll on a picture (or press + and −) to zoom about the pointer, drag it (or use the arrow keys) to move, and double-click it (or press F) to fill the pane or fit the whole photo again; 0 fits. Save PNG… and Copy always take the whole picture.</source>
        <translation>자세히 보려면 그림 위에서 스크롤하거나 (+ 와 − 키) 포인터를 중심으로 확대/축소하고, 끌거나 (화살표 키) 이동하며, 두 번 클릭하면 (F 키) 창을 채우거나 사진 전체를 다시 맞춥니다. 0 키는 맞추기입니다. PNG 저장…과 복사는 항상 그림 전체를 사용합니다.</translation>
    </message>
</context>
<context>
    <name>Marks</name>
    <message numerus="yes">
        <source>Mark by hand cleared on %n photo(s); their XMP tags still hold it: Tags ▸ Write Tags… replaces it with the model&apos;s verdict</source>
        <translation>
            <numerusform>사진 %n장의 직접 표시를 지웠습니다. XMP 태그에는 아직 남아 있습니다: 태그 ▸ 태그 쓰기…로 모델의 판정으로 바꿉니다</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Mark by hand cleared on %n photo(s)</source>
        <translation>
            <numerusform>사진 %n장의 직접 표시를 지웠습니다</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n photo(s) marked by hand as {label}</source>
        <translation>
            <numerusform>사진 %n장을 {label}{ro} 직접 표시했습니다</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n photo(s) marked by hand still carry another verdict in their XMP tags: Tags ▸ Write Tags… updates them</source>
        <translation>
            <numerusform>직접 표시한 사진 %n장의 XMP 태그에는 아직 다른 판정이 있습니다: 태그 ▸ 태그 쓰기…로 고칠 수 있습니다</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n photo(s) had their mark by hand cleared, but their XMP tags still hold it.</source>
        <translation>
            <numerusform>사진 %n장의 직접 표시를 지웠지만 XMP 태그에는 아직 남아 있습니다.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>QAbstractFileIconProvider</name>
    <message>
        <source>Folder</source>
        <translation>폴더</translation>
    </message>
    <message>
        <source>File</source>
        <translation>파일</translation>
    </message>
    <message>
        <source>Drive</source>
        <translation>드라이브</translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>찾는 위치(&amp;L):</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>파일 형식(&amp;T):</translation>
    </message>
</context>
<context>
    <name>QuitQuestion</name>
    <message>
        <source>Writing tags: quit again once it has ended</source>
        <translation>태그를 쓰는 중입니다: 끝난 뒤 다시 종료하세요</translation>
    </message>
    <message numerus="yes">
        <source>%n photo(s) marked by hand have not been exported or written to tags.</source>
        <translation>
            <numerusform>직접 표시한 사진 %n장을 아직 내보내거나 태그로 쓰지 않았습니다.</numerusform>
        </translation>
    </message>
    <message>
        <source>Quit catdog</source>
        <translation>catdog 종료</translation>
    </message>
    <message>
        <source>Quitting now loses those marks.</source>
        <translation>지금 종료하면 이 표시가 사라집니다.</translation>
    </message>
    <message>
        <source>Quitting now leaves the cleared marks in the tags.</source>
        <translation>지금 종료하면 지운 표시가 태그에 그대로 남습니다.</translation>
    </message>
    <message>
        <source>The table is not kept after the window closes.</source>
        <translation>창을 닫으면 표는 남지 않습니다.</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV 내보내기…</translation>
    </message>
    <message>
        <source>Write Tags…</source>
        <translation>태그 쓰기…</translation>
    </message>
    <message>
        <source>Quit Without Saving</source>
        <translation>저장하지 않고 종료</translation>
    </message>
    <message numerus="yes">
        <source>A run is still classifying: the results of its %n photo(s) so far ({time} of classifying) have not been exported.</source>
        <translation>
            <numerusform>아직 분류하는 중입니다: 지금까지의 사진 %n장의 결과({time} 동안 분류)를 내보내지 않았습니다.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The results of %n photo(s) ({time} of classifying) have not been exported.</source>
        <translation>
            <numerusform>사진 %n장의 결과({time} 동안 분류)를 내보내지 않았습니다.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n classified photo(s) are neither tagged nor exported: quit again to save or leave them</source>
        <translation>
            <numerusform>분류한 사진 %n장은 태그로 쓰지도 내보내지도 않았습니다: 다시 종료하여 저장하거나 그대로 두세요</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ResultsModel</name>
    <message>
        <source>File</source>
        <translation>파일</translation>
    </message>
    <message>
        <source>Prediction</source>
        <translation>예측</translation>
    </message>
    <message>
        <source>Confidence</source>
        <translation>신뢰도</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>폴더</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>정상</translation>
    </message>
    <message>
        <source>error: {error}</source>
        <translation>오류: {error}</translation>
    </message>
    <message>
        <source>Uncertain ({label} {confidence}): {reason}</source>
        <translation>불확실 ({label} {confidence}): {reason}</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>없음</translation>
    </message>
    <message>
        <source>Marked by hand as {person}; the model said {label}</source>
        <translation>직접 표시: {person} · 모델의 판정: {label}</translation>
    </message>
</context>
<context>
    <name>SortActions</name>
    <message>
        <source>&amp;Copy to Folders…</source>
        <translation>폴더로 복사(&amp;C)…</translation>
    </message>
    <message>
        <source>Copy the selected (or shown) photos into cat/, dog/, uncertain/ folders</source>
        <translation>선택한(또는 표시된) 사진을 cat/, dog/, uncertain/ 폴더에 복사</translation>
    </message>
    <message>
        <source>Mo&amp;ve to Folders…</source>
        <translation>폴더로 이동(&amp;V)…</translation>
    </message>
    <message>
        <source>Move the selected (or shown) photos into cat/, dog/, uncertain/ folders</source>
        <translation>선택한(또는 표시된) 사진을 cat/, dog/, uncertain/ 폴더로 이동</translation>
    </message>
    <message>
        <source>&amp;Undo Last Sort</source>
        <translation>마지막 정리 취소(&amp;U)</translation>
    </message>
    <message>
        <source>Put moved photos back, or delete the copies, of the last sort</source>
        <translation>마지막 정리에서 옮긴 사진을 되돌리거나 복사본을 삭제</translation>
    </message>
    <message>
        <source>Sort into folders</source>
        <translation>폴더로 정리</translation>
    </message>
    <message>
        <source>Wait for the current run to finish first.</source>
        <translation>먼저 현재 작업이 끝날 때까지 기다리세요.</translation>
    </message>
    <message>
        <source>Sort into folder</source>
        <translation>정리할 폴더 선택</translation>
    </message>
    <message>
        <source>Copy to folders</source>
        <translation>폴더로 복사</translation>
    </message>
    <message>
        <source>Move to folders</source>
        <translation>폴더로 이동</translation>
    </message>
    <message>
        <source>Nothing to copy: the photos are already in {target}</source>
        <translation>복사할 사진이 없습니다: 사진이 이미 {target}에 있습니다</translation>
    </message>
    <message>
        <source>Nothing to move: the photos are already in {target}</source>
        <translation>옮길 사진이 없습니다: 사진이 이미 {target}에 있습니다</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>복사</translation>
    </message>
    <message>
        <source>Move</source>
        <translation>이동</translation>
    </message>
    <message numerus="yes">
        <source>Nothing was copied: the XMP tags of %n photo(s) could not take the verdict shown here, and the copy would carry the old verdict along.</source>
        <translation>
            <numerusform>복사하지 않았습니다: 사진 %n장의 XMP 태그에 여기 보이는 판정을 쓸 수 없었고, 복사하면 예전 판정이 함께 따라갑니다.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Nothing was moved: the XMP tags of %n photo(s) could not take the verdict shown here, and the move would carry the old verdict along.</source>
        <translation>
            <numerusform>옮기지 않았습니다: 사진 %n장의 XMP 태그에 여기 보이는 판정을 쓸 수 없었고, 옮기면 예전 판정이 함께 따라갑니다.</numerusform>
        </translation>
    </message>
    <message>
        <source>{name}: {reason}</source>
        <translation>{name}: {reason}</translation>
    </message>
    <message>
        <source>Fix that (or clear the mark), then sort again.</source>
        <translation>그 문제를 고치거나 직접 표시를 지운 다음 다시 정리하세요.</translation>
    </message>
    <message numerus="yes">
        <source>%n photo(s) have a mark by hand set or cleared here that their XMP tags do not have yet: it is written into their tags first (Tags ▸ Undo Write Tags takes it back).</source>
        <translation>
            <numerusform>사진 %n장은 여기서 직접 표시하거나 지운 내용이 XMP 태그에 아직 없습니다: 먼저 태그에 기록합니다(태그 ▸ 태그 쓰기 취소로 되돌릴 수 있습니다).</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>There are no classified photos to sort.</source>
        <translation>정리할 분류된 사진이 없습니다.</translation>
    </message>
    <message numerus="yes">
        <source>No rows are shown: clear the filter to sort all %n photo(s).</source>
        <translation>
            <numerusform>표시된 행이 없습니다: 필터를 해제하면 사진 %n장을 모두 정리할 수 있습니다.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The rows shown have no classified photos: clear the filter to sort all %n photo(s).</source>
        <translation>
            <numerusform>표시된 행에 분류된 사진이 없습니다: 필터를 해제하면 사진 %n장을 모두 정리할 수 있습니다.</numerusform>
        </translation>
    </message>
    <message>
        <source>Copying {done} / {total}</source>
        <translation>복사 중 {done} / {total}</translation>
    </message>
    <message>
        <source>Moving {done} / {total}</source>
        <translation>이동 중 {done} / {total}</translation>
    </message>
    <message numerus="yes">
        <source>Copied %n photo(s) into {target}</source>
        <translation>
            <numerusform>사진 %n장을 {target} 폴더에 복사했습니다</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moved %n photo(s) into {target}</source>
        <translation>
            <numerusform>사진 %n장을 {target} 폴더로 옮겼습니다</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>(%n photo(s) already there with the same content, skipped)</source>
        <translation>
            <numerusform>(같은 내용으로 이미 있는 사진 %n장은 건너뜀)</numerusform>
        </translation>
    </message>
    <message>
        <source> (cancelled)</source>
        <translation> (취소됨)</translation>
    </message>
    <message>
        <source>(and {n} more)</source>
        <translation>(외 {n}개)</translation>
    </message>
    <message>
        <source>The sort stopped: {reason}.</source>
        <translation>정리가 멈췄습니다: {reason}.</translation>
    </message>
    <message>
        <source>Copied {done}; {failed} could not be copied:</source>
        <translation>{done}장을 복사했고, {failed}장은 복사하지 못했습니다:</translation>
    </message>
    <message>
        <source>Moved {done}; {failed} could not be moved:</source>
        <translation>{done}장을 옮겼고, {failed}장은 옮기지 못했습니다:</translation>
    </message>
    <message>
        <source>Nothing to undo in {folder}: the last sort into it was already undone (for example with catdog-classify --undo-sort).</source>
        <translation>{folder}에서 되돌릴 정리가 없습니다: 이 폴더로의 마지막 정리는 이미 취소되었습니다(예: catdog-classify --undo-sort).</translation>
    </message>
    <message numerus="yes">
        <source>%n photo(s) are back where they were before the sort: their rows follow them.</source>
        <translation>
            <numerusform>사진 %n장이 정리 전 위치로 돌아갔습니다: 행도 함께 따라갑니다.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n photo(s) are no longer found: their rows say so.</source>
        <translation>
            <numerusform>사진 %n장을 더 이상 찾을 수 없습니다: 행에 그렇게 표시합니다.</numerusform>
        </translation>
    </message>
    <message>
        <source>Undo last sort</source>
        <translation>마지막 정리 취소</translation>
    </message>
    <message>
        <source>Could not undo the last sort:
{reason}</source>
        <translation>마지막 정리를 취소할 수 없습니다:
{reason}</translation>
    </message>
    <message>
        <source>{n} could not be undone:</source>
        <translation>{n}개는 되돌리지 못했습니다:</translation>
    </message>
    <message numerus="yes">
        <source>Undone: moved %n photo(s) back</source>
        <translation>
            <numerusform>취소 완료: 사진 %n장을 제자리로 되돌렸습니다</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Undone: removed %n copy(ies)</source>
        <translation>
            <numerusform>취소 완료: 복사본 %n개를 삭제했습니다</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SortConfirm</name>
    <message>
        <source>Selected rows ({n})</source>
        <translation>선택한 행 ({n})</translation>
    </message>
    <message>
        <source>All rows shown ({n})</source>
        <translation>표시된 모든 행 ({n})</translation>
    </message>
    <message>
        <source>Photos:</source>
        <translation>사진:</translation>
    </message>
</context>
<context>
    <name>SortWorker</name>
    <message numerus="yes">
        <source>%n name(s) already taken there: they get a suffix, e.g. “photo (1).jpg”. Nothing is overwritten.</source>
        <translation>
            <numerusform>이름 %n개가 이미 쓰이고 있어 뒤에 번호를 붙입니다(예: “photo (1).jpg”). 덮어쓰는 파일은 없습니다.</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing is overwritten.</source>
        <translation>덮어쓰는 파일은 없습니다.</translation>
    </message>
    <message numerus="yes">
        <source>%n photo(s) already in their folder stay as they are.</source>
        <translation>
            <numerusform>이미 제 폴더에 있는 사진 %n장은 그대로 둡니다.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n photo(s) already there with the same content are skipped.</source>
        <translation>
            <numerusform>같은 내용으로 이미 있는 사진 %n장은 건너뜁니다.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unreadable photo(s) stay where they are.</source>
        <translation>
            <numerusform>읽을 수 없는 사진 %n장은 그대로 둡니다.</numerusform>
        </translation>
    </message>
    <message>
        <source>File ▸ Undo Last Sort puts moved photos back.</source>
        <translation>파일 ▸ 마지막 정리 취소로 옮긴 사진을 제자리로 되돌릴 수 있습니다.</translation>
    </message>
    <message>
        <source>File ▸ Undo Last Sort puts it back (deletes the copies).</source>
        <translation>파일 ▸ 마지막 정리 취소로 되돌릴 수 있습니다(복사본 삭제).</translation>
    </message>
    <message numerus="yes">
        <source>%n earlier sort(s) into this folder stay undoable: Undo Last Sort undoes this one first, then the earlier ones, newest first.</source>
        <translation>
            <numerusform>이 폴더로의 이전 정리 %n건도 되돌릴 수 있습니다: 「마지막 정리 취소」는 이번 정리부터, 그다음 이전 정리를 최근 것부터 되돌립니다.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Copy %n selected photo(s) into {target}:</source>
        <translation>
            <numerusform>선택한 사진 %n장을 {target}에 복사:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Move %n selected photo(s) into {target}:</source>
        <translation>
            <numerusform>선택한 사진 %n장을 {target}(으)로 이동:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Copy all %n shown photo(s) into {target}:</source>
        <translation>
            <numerusform>표시된 사진 %n장을 모두 {target}에 복사:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Move all %n shown photo(s) into {target}:</source>
        <translation>
            <numerusform>표시된 사진 %n장을 모두 {target}(으)로 이동:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n earlier sort(s) in this folder can be undone with Undo Last Sort again.</source>
        <translation>
            <numerusform>이 폴더의 이전 정리 %n건은 「마지막 정리 취소」를 다시 눌러 되돌릴 수 있습니다.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TagActions</name>
    <message>
        <source>written</source>
        <translation>기록함</translation>
    </message>
    <message>
        <source>would write</source>
        <translation>기록 예정</translation>
    </message>
    <message>
        <source>unchanged</source>
        <translation>변경 없음</translation>
    </message>
    <message>
        <source>kept</source>
        <translation>유지함</translation>
    </message>
    <message>
        <source>undone</source>
        <translation>되돌림</translation>
    </message>
    <message>
        <source>error</source>
        <translation>오류</translation>
    </message>
    <message>
        <source>&amp;Tags</source>
        <translation>태그(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Write Tags…</source>
        <translation>태그 쓰기(&amp;W)…</translation>
    </message>
    <message>
        <source>Store the verdicts as XMP keywords that photo managers read</source>
        <translation>판정을 사진 관리 프로그램이 읽는 XMP 키워드로 저장</translation>
    </message>
    <message>
        <source>&amp;Undo Write Tags</source>
        <translation>태그 쓰기 취소(&amp;U)</translation>
    </message>
    <message>
        <source>Put back the sidecars and photos as they were before the last write</source>
        <translation>사이드카 파일과 사진을 마지막 쓰기 전 상태로 되돌림</translation>
    </message>
    <message>
        <source>Undo Write Tags will not survive a restart: {reason}</source>
        <translation>「태그 쓰기 취소」는 앱을 다시 시작하면 쓸 수 없습니다: {reason}</translation>
    </message>
    <message>
        <source>Tags: {done} done, {left} to go</source>
        <translation>태그: {done}개 완료, {left}개 남음</translation>
    </message>
    <message numerus="yes">
        <source>%n uncertain not tagged</source>
        <translation>
            <numerusform>불확실 %n장 태그하지 않음</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n of them keep an earlier Cat/Dog tag</source>
        <translation>
            <numerusform>그중 %n장은 이전의 Cat/Dog 태그가 남아 있음</numerusform>
        </translation>
    </message>
    <message>
        <source>Tags: {counts}</source>
        <translation>태그: {counts}</translation>
    </message>
    <message>
        <source>nothing to write</source>
        <translation>쓸 내용 없음</translation>
    </message>
    <message>
        <source>(dry run: nothing written)</source>
        <translation>(시험 실행: 아무것도 쓰지 않음)</translation>
    </message>
    <message>
        <source>keeps an earlier tag: {path} (tick &apos;Also tag uncertain photos&apos; to replace it with Uncertain)</source>
        <translation>이전 태그가 남아 있음: {path} (&apos;불확실한 사진에도 태그 달기&apos;를 선택하면 Uncertain으로 바뀝니다)</translation>
    </message>
    <message>
        <source>Write Tags</source>
        <translation>태그 쓰기</translation>
    </message>
    <message numerus="yes">
        <source>%n written</source>
        <translation>
            <numerusform>%n장 기록함</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n would be written</source>
        <translation>
            <numerusform>%n장 기록 예정</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unchanged</source>
        <translation>
            <numerusform>%n장 변경 없음</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n kept</source>
        <translation>
            <numerusform>%n장 유지함</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n undone</source>
        <translation>
            <numerusform>%n장 되돌림</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n error(s)</source>
        <translation>
            <numerusform>오류 %n건</numerusform>
        </translation>
    </message>
    <message>
        <source>set by hand to {label}</source>
        <translation>직접 표시: {label}</translation>
    </message>
</context>
<context>
    <name>TagOptions</name>
    <message>
        <source>Write Tags</source>
        <translation>태그 쓰기</translation>
    </message>
    <message>
        <source>Selected rows ({n})</source>
        <translation>선택한 행 ({n})</translation>
    </message>
    <message>
        <source>All rows shown ({n})</source>
        <translation>표시된 모든 행 ({n})</translation>
    </message>
    <message numerus="yes">
        <source>All rows shown ({n}; %n with an error get no tag)</source>
        <translation>
            <numerusform>표시된 모든 행 ({n}; 오류가 있는 %n개는 태그하지 않음)</numerusform>
        </translation>
    </message>
    <message>
        <source>Sidecar file beside the photo (the photo is not touched)</source>
        <translation>사진 옆의 사이드카 파일 (사진은 건드리지 않음)</translation>
    </message>
    <message>
        <source>Inside the photo (JPEG, PNG, WebP, TIFF)</source>
        <translation>사진 안에 (JPEG, PNG, WebP, TIFF)</translation>
    </message>
    <message>
        <source>Also tag uncertain photos (as &apos;Uncertain&apos;)</source>
        <translation>불확실한 사진에도 태그 달기 (&apos;Uncertain&apos;으로)</translation>
    </message>
    <message>
        <source>Dry run: only list what would change</source>
        <translation>시험 실행: 바뀔 내용만 보여 주기</translation>
    </message>
    <message>
        <source>Photos:</source>
        <translation>사진:</translation>
    </message>
    <message>
        <source>Where:</source>
        <translation>위치:</translation>
    </message>
    <message>
        <source>Sidecar name:</source>
        <translation>사이드카 이름:</translation>
    </message>
</context>
<context>
    <name>ThresholdDialog</name>
    <message>
        <source>Uncertain threshold</source>
        <translation>불확실 기준값</translation>
    </message>
    <message>
        <source>A photo whose top probability is below this is uncertain (the model&apos;s own: {value}):</source>
        <translation>가장 높은 확률이 이 값보다 낮은 사진은 불확실입니다 (모델 기본값: {value}):</translation>
    </message>
    <message>
        <source>&amp;Reset to the model&apos;s default</source>
        <translation>모델 기본값으로 되돌리기(&amp;R)</translation>
    </message>
</context>
<context>
    <name>_TileDelegate</name>
    <message>
        <source>error</source>
        <translation>오류</translation>
    </message>
</context>
</TS>
